using System.Numerics;
using System.Text.Json;
using Ledger.Chain.Abi;
using Ledger.Chain.Encoding;

namespace Ledger.Chain.Rpc;

/// <summary>Reads the JSON-RPC value shapes (quantities, data, addresses, hashes) out of results, naming what was wrong.</summary>
internal static class RpcJson
{
    public static string String(JsonElement element, string what) =>
        element.ValueKind == JsonValueKind.String
            ? element.GetString()!
            : throw new RpcTransportException($"{what}: expected a JSON string, got {element.ValueKind}.", transient: false);

    public static BigInteger Quantity(JsonElement element, string what)
    {
        var text = String(element, what);
        try
        {
            return Hex.ParseQuantity(text);
        }
        catch (FormatException exception)
        {
            throw new RpcTransportException($"{what}: '{text}' is not a quantity.", transient: false, exception);
        }
    }

    public static ulong QuantityUInt64(JsonElement element, string what)
    {
        var value = Quantity(element, what);
        return value <= ulong.MaxValue
            ? (ulong)value
            : throw new RpcTransportException($"{what}: {value} does not fit 64 bits.", transient: false);
    }

    public static byte[] Data(JsonElement element, string what)
    {
        var text = String(element, what);
        return TryParseData(text, out var bytes)
            ? bytes
            : throw new RpcTransportException($"{what}: '{Shorten(text)}' is not 0x-prefixed hex data.", transient: false);
    }

    public static Hash32 Hash(JsonElement element, string what)
    {
        var text = String(element, what);
        try
        {
            return Hash32.Parse(text);
        }
        catch (FormatException exception)
        {
            throw new RpcTransportException($"{what}: {exception.Message}", transient: false, exception);
        }
    }

    public static Address AddressOf(JsonElement element, string what)
    {
        var text = String(element, what);
        try
        {
            return Address.Parse(text);
        }
        catch (FormatException exception)
        {
            throw new RpcTransportException($"{what}: {exception.Message}", transient: false, exception);
        }
    }

    public static JsonElement Property(JsonElement element, string name, string what) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value)
            ? value
            : throw new RpcTransportException($"{what} lacks '{name}'.", transient: false);

    /// <summary>The member's value, or null when it is absent or JSON null.</summary>
    public static JsonElement? Optional(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null ? value : null;

    public static bool TryParseData(string? text, out byte[] bytes)
    {
        bytes = [];
        if (text is null || !text.StartsWith("0x", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        try
        {
            bytes = Hex.FromHex(text);
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }

    private static string Shorten(string text) => text.Length <= 80 ? text : text[..80] + "…";
}

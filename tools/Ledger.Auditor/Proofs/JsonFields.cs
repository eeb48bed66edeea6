using System.Globalization;
using System.Text.Json;
using Ledger.Chain.Encoding;

namespace Ledger.Auditor.Proofs;

/// <summary>
/// Strict readers for the fields of the proof JSON and the API's answers. Every refusal names the field
/// and says what was wrong, as a <see cref="FormatException"/>.
/// </summary>
internal static class JsonFields
{
    public static JsonElement Required(JsonElement parent, string name, string where)
    {
        if (parent.ValueKind != JsonValueKind.Object)
        {
            throw new FormatException($"{where} is not a JSON object.");
        }

        return parent.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Undefined
            ? value
            : throw new FormatException($"{where} has no '{name}'.");
    }

    /// <summary>An unsigned 64-bit integer, written as a JSON number or as decimal digits in a string.</summary>
    public static ulong UInt64(JsonElement parent, string name, string where)
    {
        var value = Required(parent, name, where);
        return value.ValueKind switch
        {
            JsonValueKind.Number when value.TryGetUInt64(out var number) => number,
            JsonValueKind.String when IsDigits(value.GetString()) && ulong.TryParse(value.GetString(), NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) => parsed,
            _ => throw new FormatException($"{where}.{name} is not an unsigned 64-bit integer: {value.GetRawText()}."),
        };
    }

    public static string String(JsonElement parent, string name, string where)
    {
        var value = Required(parent, name, where);
        return value.ValueKind == JsonValueKind.String
            ? value.GetString()!
            : throw new FormatException($"{where}.{name} is not a string: {value.GetRawText()}.");
    }

    /// <summary>"0x" and exactly <paramref name="size"/> bytes of hex digits.</summary>
    public static byte[] HexBytes(JsonElement value, int size, string what)
    {
        var text = value.ValueKind == JsonValueKind.String ? value.GetString()! : throw new FormatException($"{what} is not a hex string: {value.GetRawText()}.");
        if (!text.StartsWith("0x", StringComparison.Ordinal) || text.Length != 2 + (2 * size))
        {
            throw new FormatException($"{what} is not 0x and {2 * size} hex digits ({size} bytes): '{Shorten(text)}'.");
        }

        return Hex.FromHex(text);
    }

    public static byte[] HexBytes(JsonElement parent, string name, int size, string where) =>
        HexBytes(Required(parent, name, where), size, $"{where}.{name}");

    public static IReadOnlyList<byte[]> HashList(JsonElement parent, string name, string where)
    {
        var value = Required(parent, name, where);
        if (value.ValueKind != JsonValueKind.Array)
        {
            throw new FormatException($"{where}.{name} is not an array.");
        }

        var hashes = new List<byte[]>(value.GetArrayLength());
        var i = 0;
        foreach (var item in value.EnumerateArray())
        {
            hashes.Add(HexBytes(item, 32, $"{where}.{name}[{i++}]"));
        }

        return hashes;
    }

    public static bool IsDigits(string? text) => !string.IsNullOrEmpty(text) && text.All(char.IsAsciiDigit);

    private static string Shorten(string text) => text.Length <= 80 ? text : string.Concat(text.AsSpan(0, 77), "...");
}

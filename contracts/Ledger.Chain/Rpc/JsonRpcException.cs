using System.Globalization;
using System.Text.Json;

namespace Ledger.Chain.Rpc;

/// <summary>
/// The node answered a request with a JSON-RPC error object. The node is reachable and understood the
/// request, so retrying the same request cannot help: this is never a transient fault.
/// </summary>
public sealed class JsonRpcException : Exception
{
    /// <summary>The code nodes use for a call or gas estimate that reverted (EIP-1474 and geth).</summary>
    public const int ExecutionRevertedCode = 3;

    public JsonRpcException(string method, int code, string message, JsonElement? data)
        : base($"{method} failed with JSON-RPC error {code.ToString(CultureInfo.InvariantCulture)}: {message}")
    {
        Method = method;
        Code = code;
        RpcMessage = message;
        ErrorData = data;
        RevertData = ReadRevertData(data);
    }

    public string Method { get; }

    public int Code { get; }

    /// <summary>The error's message as the node wrote it.</summary>
    public string RpcMessage { get; }

    /// <summary>The error's data member, when the node sent one.</summary>
    public JsonElement? ErrorData { get; }

    /// <summary>
    /// The revert data of a reverted call or estimate (selector and ABI-encoded arguments), when the node
    /// reported it: as the data string itself (geth, anvil) or as a data member inside it (some providers).
    /// </summary>
    public byte[]? RevertData { get; }

    private static byte[]? ReadRevertData(JsonElement? data)
    {
        if (data is not { } element)
        {
            return null;
        }

        if (element.ValueKind == JsonValueKind.Object && element.TryGetProperty("data", out var inner))
        {
            element = inner;
        }

        if (element.ValueKind != JsonValueKind.String)
        {
            return null;
        }

        var text = element.GetString();
        return RpcJson.TryParseData(text, out var bytes) ? bytes : null;
    }
}

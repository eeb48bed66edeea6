using System.Text.Json;

namespace Ledger.Chain.Rpc;

/// <summary>The answer to one request of a batch: a result, or the error the node sent for it.</summary>
public sealed class JsonRpcResponse
{
    private readonly JsonElement _result;

    private JsonRpcResponse(JsonElement result, JsonRpcException? error)
    {
        _result = result;
        Error = error;
    }

    public JsonRpcException? Error { get; }

    public bool Succeeded => Error is null;

    /// <summary>The result, or the node's error thrown as a <see cref="JsonRpcException"/>.</summary>
    public JsonElement Result => Error is null ? _result : throw Error;

    internal static JsonRpcResponse Success(JsonElement result) => new(result, null);

    internal static JsonRpcResponse Failure(JsonRpcException error) => new(default, error);
}

using System.Text.Json.Nodes;

namespace Ledger.Chain.Rpc;

/// <summary>One JSON-RPC call: the method, its positional parameters, and how it may be retried.</summary>
public sealed record JsonRpcRequest(string Method, IReadOnlyList<JsonNode?> Parameters, RpcRetry Retry = RpcRetry.Idempotent)
{
    public static JsonRpcRequest Read(string method, params JsonNode?[] parameters) =>
        new(method, parameters, RpcRetry.Idempotent);
}

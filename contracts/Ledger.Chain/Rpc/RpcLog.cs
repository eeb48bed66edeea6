using System.Text.Json;
using Ledger.Chain.Abi;

namespace Ledger.Chain.Rpc;

/// <summary>One event log, as a receipt or eth_getLogs gives it.</summary>
public sealed record RpcLog(
    Address Address,
    IReadOnlyList<Hash32> Topics,
    byte[] Data,
    Hash32? BlockHash,
    ulong? BlockNumber,
    Hash32? TransactionHash,
    ulong? LogIndex,
    bool Removed)
{
    internal static RpcLog Read(JsonElement element)
    {
        const string what = "log";
        var topics = RpcJson.Property(element, "topics", what);
        var topicList = new List<Hash32>(topics.GetArrayLength());
        foreach (var topic in topics.EnumerateArray())
        {
            topicList.Add(RpcJson.Hash(topic, "log topic"));
        }

        return new RpcLog(
            RpcJson.AddressOf(RpcJson.Property(element, "address", what), "log address"),
            topicList,
            RpcJson.Data(RpcJson.Property(element, "data", what), "log data"),
            RpcJson.Optional(element, "blockHash") is { } blockHash ? RpcJson.Hash(blockHash, "log blockHash") : null,
            RpcJson.Optional(element, "blockNumber") is { } blockNumber ? RpcJson.QuantityUInt64(blockNumber, "log blockNumber") : null,
            RpcJson.Optional(element, "transactionHash") is { } txHash ? RpcJson.Hash(txHash, "log transactionHash") : null,
            RpcJson.Optional(element, "logIndex") is { } logIndex ? RpcJson.QuantityUInt64(logIndex, "log logIndex") : null,
            RpcJson.Optional(element, "removed") is { ValueKind: JsonValueKind.True });
    }
}

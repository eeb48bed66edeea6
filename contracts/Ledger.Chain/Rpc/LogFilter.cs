using System.Text.Json.Nodes;
using Ledger.Chain.Abi;

namespace Ledger.Chain.Rpc;

/// <summary>
/// An eth_getLogs filter: one contract, a block range, and topics by position (null matches anything at
/// that position).
/// </summary>
public sealed record LogFilter(Address Address, BlockTag FromBlock, BlockTag ToBlock, IReadOnlyList<Hash32?> Topics)
{
    public JsonObject ToJson()
    {
        var topics = new JsonArray();
        foreach (var topic in Topics)
        {
            topics.Add(topic is { } t ? JsonValue.Create(t.Hex) : null);
        }

        return new JsonObject
        {
            ["address"] = Address.ToString(),
            ["fromBlock"] = FromBlock.Text,
            ["toBlock"] = ToBlock.Text,
            ["topics"] = topics,
        };
    }
}

using System.Numerics;
using System.Text.Json;

namespace Ledger.Chain.Rpc;

/// <summary>The header fields of a block that the ledger reads (eth_getBlockByNumber without transactions).</summary>
public sealed record RpcBlock(Hash32 Hash, ulong Number, Hash32 ParentHash, ulong Timestamp, BigInteger? BaseFeePerGas)
{
    internal static RpcBlock Read(JsonElement element)
    {
        const string what = "block";
        var baseFee = RpcJson.Optional(element, "baseFeePerGas");
        return new RpcBlock(
            RpcJson.Hash(RpcJson.Property(element, "hash", what), "block hash"),
            RpcJson.QuantityUInt64(RpcJson.Property(element, "number", what), "block number"),
            RpcJson.Hash(RpcJson.Property(element, "parentHash", what), "block parentHash"),
            RpcJson.QuantityUInt64(RpcJson.Property(element, "timestamp", what), "block timestamp"),
            baseFee is { } fee ? RpcJson.Quantity(fee, "block baseFeePerGas") : null);
    }
}

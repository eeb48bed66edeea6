using System.Numerics;
using System.Text.Json;
using Ledger.Chain.Abi;

namespace Ledger.Chain.Rpc;

/// <summary>A transaction the node knows, pending (no block yet) or included.</summary>
public sealed record RpcTransaction(
    Hash32 Hash,
    Address From,
    Address? To,
    ulong Nonce,
    BigInteger Value,
    byte[] Input,
    ulong Gas,
    Hash32? BlockHash,
    ulong? BlockNumber)
{
    public bool Included => BlockHash is not null;

    internal static RpcTransaction Read(JsonElement element)
    {
        const string what = "transaction";
        return new RpcTransaction(
            RpcJson.Hash(RpcJson.Property(element, "hash", what), "transaction hash"),
            RpcJson.AddressOf(RpcJson.Property(element, "from", what), "transaction from"),
            RpcJson.Optional(element, "to") is { } to ? RpcJson.AddressOf(to, "transaction to") : null,
            RpcJson.QuantityUInt64(RpcJson.Property(element, "nonce", what), "transaction nonce"),
            RpcJson.Quantity(RpcJson.Property(element, "value", what), "transaction value"),
            RpcJson.Data(RpcJson.Property(element, "input", what), "transaction input"),
            RpcJson.QuantityUInt64(RpcJson.Property(element, "gas", what), "transaction gas"),
            RpcJson.Optional(element, "blockHash") is { } blockHash ? RpcJson.Hash(blockHash, "transaction blockHash") : null,
            RpcJson.Optional(element, "blockNumber") is { } blockNumber ? RpcJson.QuantityUInt64(blockNumber, "transaction blockNumber") : null);
    }
}

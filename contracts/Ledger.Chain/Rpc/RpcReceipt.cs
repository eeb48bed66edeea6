using System.Numerics;
using System.Text.Json;
using Ledger.Chain.Abi;

namespace Ledger.Chain.Rpc;

/// <summary>A transaction receipt: where the transaction landed, whether it succeeded, and its logs.</summary>
public sealed record RpcReceipt(
    Hash32 TransactionHash,
    Hash32 BlockHash,
    ulong BlockNumber,
    bool Succeeded,
    ulong GasUsed,
    BigInteger EffectiveGasPrice,
    Address From,
    Address? To,
    Address? ContractAddress,
    IReadOnlyList<RpcLog> Logs)
{
    internal static RpcReceipt Read(JsonElement element)
    {
        const string what = "receipt";
        var logs = new List<RpcLog>();
        foreach (var log in RpcJson.Property(element, "logs", what).EnumerateArray())
        {
            logs.Add(RpcLog.Read(log));
        }

        return new RpcReceipt(
            RpcJson.Hash(RpcJson.Property(element, "transactionHash", what), "receipt transactionHash"),
            RpcJson.Hash(RpcJson.Property(element, "blockHash", what), "receipt blockHash"),
            RpcJson.QuantityUInt64(RpcJson.Property(element, "blockNumber", what), "receipt blockNumber"),
            RpcJson.Quantity(RpcJson.Property(element, "status", what), "receipt status") == BigInteger.One,
            RpcJson.QuantityUInt64(RpcJson.Property(element, "gasUsed", what), "receipt gasUsed"),
            RpcJson.Optional(element, "effectiveGasPrice") is { } price ? RpcJson.Quantity(price, "receipt effectiveGasPrice") : BigInteger.Zero,
            RpcJson.AddressOf(RpcJson.Property(element, "from", what), "receipt from"),
            RpcJson.Optional(element, "to") is { } to ? RpcJson.AddressOf(to, "receipt to") : null,
            RpcJson.Optional(element, "contractAddress") is { } created ? RpcJson.AddressOf(created, "receipt contractAddress") : null,
            logs);
    }
}

using System.Numerics;
using System.Text.Json;

namespace Ledger.Chain.Rpc;

/// <summary>
/// eth_feeHistory: base fees of a run of blocks (one more than asked: the next block's), the share of
/// gas each used, and the priority fee paid at each asked percentile.
/// </summary>
public sealed record FeeHistory(
    ulong OldestBlock,
    IReadOnlyList<BigInteger> BaseFeePerGas,
    IReadOnlyList<double> GasUsedRatio,
    IReadOnlyList<IReadOnlyList<BigInteger>> Reward)
{
    /// <summary>The base fee of the block after the newest one asked for: the next block's.</summary>
    public BigInteger NextBaseFee => BaseFeePerGas.Count > 0 ? BaseFeePerGas[^1] : BigInteger.Zero;

    internal static FeeHistory Read(JsonElement element)
    {
        const string what = "feeHistory";
        var baseFees = RpcJson.Property(element, "baseFeePerGas", what).EnumerateArray()
            .Select(e => RpcJson.Quantity(e, "feeHistory baseFeePerGas")).ToList();
        var ratios = RpcJson.Property(element, "gasUsedRatio", what).EnumerateArray().Select(e => e.GetDouble()).ToList();
        var rewards = new List<IReadOnlyList<BigInteger>>();
        if (RpcJson.Optional(element, "reward") is { } reward)
        {
            foreach (var block in reward.EnumerateArray())
            {
                rewards.Add(block.EnumerateArray().Select(e => RpcJson.Quantity(e, "feeHistory reward")).ToList());
            }
        }

        return new FeeHistory(
            RpcJson.QuantityUInt64(RpcJson.Property(element, "oldestBlock", what), "feeHistory oldestBlock"),
            baseFees,
            ratios,
            rewards);
    }
}

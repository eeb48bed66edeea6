using System.Numerics;
using Ledger.Chain.Rpc;
using Ledger.Core.Payouts;
using Ledger.Silo.Payouts;

namespace Ledger.Bench.Payouts;

/// <summary>The gas of one <c>PayoutBatcher.pay</c> transaction, read from its receipt.</summary>
/// <param name="Returning">False: every recipient is new to the token (its balance slot goes from zero); true: each holds tokens already.</param>
internal sealed record PayoutGasFigure(int BatchSize, bool Returning, ulong GasUsed, ulong GasLimit, ulong BlockNumber)
{
    public double GasPerPayout => (double)GasUsed / BatchSize;
}

/// <summary>
/// Gas per payout by batch size. Each batch goes through the silo's own <see cref="ChainPayoutClient.SubmitAsync"/>
/// (the same ABI encoding, gas estimate with the sender's margin and cap, and signing the pipeline uses),
/// with distinct new payout ids and, first, recipients that never held the token: the costly case, since
/// each transfer then writes a fresh balance slot. The same sizes are then paid again to the same
/// recipients (new ids), which now hold tokens. Each receipt must show success and one Paid event per payout.
/// </summary>
internal static class PayoutGasBench
{
    /// <summary>Token units per payout: 1 TestUSD.</summary>
    private static readonly UInt128 TokenAmount = 1_000_000;

    public static async Task<IReadOnlyList<PayoutGasFigure>> RunAsync(LocalPayoutChain chain, IReadOnlyList<int> batchSizes, UInt128 firstPayoutId, TextWriter log, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(chain);
        ArgumentNullException.ThrowIfNull(batchSizes);
        var client = chain.NewPayoutClient();
        var total = batchSizes.Sum() * 2 * (BigInteger)(ulong)TokenAmount;
        await client.EnsureAllowanceAsync(total, cancellationToken);

        var figures = new List<PayoutGasFigure>(batchSizes.Count * 2);
        var nextId = firstPayoutId;
        foreach (var returning in new[] { false, true })
        {
            var nextRecipient = 0;
            foreach (var size in batchSizes)
            {
                var batch = new List<Payout>(size);
                for (var i = 0; i < size; i++)
                {
                    batch.Add(ChainOnlyPayout(nextId++, Recipients.Address(Recipients.GasSeries, nextRecipient++)));
                }

                var figure = await PayAsync(chain, client, batch, returning, cancellationToken);
                log.WriteLine(
                    $"payout gas: batch of {size,3} to {(returning ? "returning" : "new"),9} recipients: {figure.GasUsed,10:N0} gas (limit {figure.GasLimit:N0}), " +
                    $"{figure.GasPerPayout,8:N0} per payout, block {figure.BlockNumber}");
                figures.Add(figure);
            }
        }

        return figures;
    }

    private static async Task<PayoutGasFigure> PayAsync(LocalPayoutChain chain, ChainPayoutClient client, IReadOnlyList<Payout> batch, bool returning, CancellationToken cancellationToken)
    {
        // The pipeline records the signed bytes before they are sent; here there is nothing to record.
        var signed = await client.SubmitAsync(batch, static (_, _) => Task.CompletedTask, cancellationToken);
        var hash = Hash32.FromBytes(signed.TxHash);
        var receipt = await chain.Sender.WaitForReceiptAsync(hash, cancellationToken);
        if (!receipt.Succeeded)
        {
            throw new InvalidOperationException($"The pay of {batch.Count} payouts reverted in transaction {receipt.TransactionHash}.");
        }

        var paid = chain.Batcher.PaidEvents(receipt);
        if (paid.Count != batch.Count)
        {
            throw new InvalidOperationException($"The pay of {batch.Count} payouts emitted {paid.Count} Paid events.");
        }

        var sent = await chain.Sender.Eth.GetTransactionByHashAsync(hash, cancellationToken)
            ?? throw new InvalidOperationException($"The node does not know the mined transaction {hash}.");
        return new PayoutGasFigure(batch.Count, returning, receipt.GasUsed, sent.Gas, receipt.BlockNumber);
    }

    /// <summary>A payout as the pipeline hands it to the chain client, which reads only its id, destination and token amount.</summary>
    private static Payout ChainOnlyPayout(UInt128 id, byte[] destination)
    {
        var now = DateTimeOffset.UtcNow;
        return new Payout(
            id, UInt128.Zero, UInt128.Zero, UInt128.Zero, 0, TokenAmount, TokenAmount, PayoutRail.Erc20, destination, PayoutLegs.HoldId(id), PayoutStatus.Pending, null, null, now, now);
    }
}

using System.Numerics;
using Ledger.Core.Payouts;
using Ledger.Core.Settlement;
using Ledger.Silo.Payouts;

namespace Ledger.Silo.Tests.Payouts;

/// <summary>
/// A real payout client that runs <see cref="AfterRecord"/> once, right after the next signed transaction
/// is recorded and before it is sent: where a test makes the world change under a recorded transaction
/// (its nonce taken by another, the treasury drained, its payout paid by someone else); and it can
/// misreport the treasury's balance, as a balance read just before the treasury was drained would.
/// </summary>
public sealed class InterceptingPayoutChain(IPayoutChain inner) : IPayoutChain
{
    public Func<SignedAnchor, CancellationToken, Task>? AfterRecord { get; set; }

    /// <summary>The transactions recorded through this client, in order.</summary>
    public List<SignedAnchor> Recorded { get; } = [];

    public int PayoutsPerTransactionMax => inner.PayoutsPerTransactionMax;

    /// <summary>When set, the treasury balance the pipeline is told instead of the real one.</summary>
    public BigInteger? TreasuryBalance { get; set; }

    public async Task<BigInteger> TreasuryBalanceAsync(CancellationToken cancellationToken) =>
        TreasuryBalance ?? await inner.TreasuryBalanceAsync(cancellationToken);

    public Task EnsureAllowanceAsync(BigInteger total, CancellationToken cancellationToken) => inner.EnsureAllowanceAsync(total, cancellationToken);

    public Task<SignedAnchor> SubmitAsync(IReadOnlyList<Payout> payouts, Func<SignedAnchor, CancellationToken, Task> recordAsync, CancellationToken cancellationToken) =>
        inner.SubmitAsync(payouts, async (signed, token) =>
        {
            await recordAsync(signed, token);
            Recorded.Add(signed);
            if (AfterRecord is { } action)
            {
                AfterRecord = null;
                await action(signed, token);
            }
        }, cancellationToken);

    public Task ResendAsync(byte[] rawTx, CancellationToken cancellationToken) => inner.ResendAsync(rawTx, cancellationToken);

    public Task<PayoutCheck> CheckAsync(PayoutBatch batch, CancellationToken cancellationToken) => inner.CheckAsync(batch, cancellationToken);

    public Task<bool> IsPaidAsync(UInt128 payoutId, CancellationToken cancellationToken) => inner.IsPaidAsync(payoutId, cancellationToken);

    public Task<IReadOnlyList<bool>> ArePaidAsync(IReadOnlyList<UInt128> payoutIds, CancellationToken cancellationToken) => inner.ArePaidAsync(payoutIds, cancellationToken);
}

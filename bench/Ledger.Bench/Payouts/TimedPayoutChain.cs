using System.Diagnostics;
using System.Numerics;
using Ledger.Core.Payouts;
using Ledger.Core.Settlement;
using Ledger.Silo.Payouts;

namespace Ledger.Bench.Payouts;

/// <summary>
/// The silo's payout client, passed through unchanged, with the wall time the pipeline spends waiting on
/// it added up: what a round spends on the chain (JSON-RPC to anvil, gas estimates, signing) as against
/// the store and the ledger. Submit includes the pipeline's own record of the signed batch, a store write.
/// </summary>
internal sealed class TimedPayoutChain(IPayoutChain inner) : IPayoutChain
{
    private long ticks;

    public int PayoutsPerTransactionMax => inner.PayoutsPerTransactionMax;

    public TimeSpan Elapsed => Stopwatch.GetElapsedTime(0, Interlocked.Read(ref ticks));

    public Task<BigInteger> TreasuryBalanceAsync(CancellationToken cancellationToken) => TimeAsync(() => inner.TreasuryBalanceAsync(cancellationToken));

    public Task EnsureAllowanceAsync(BigInteger total, CancellationToken cancellationToken) =>
        TimeAsync(async () =>
        {
            await inner.EnsureAllowanceAsync(total, cancellationToken);
            return true;
        });

    public Task<SignedAnchor> SubmitAsync(IReadOnlyList<Payout> payouts, Func<SignedAnchor, CancellationToken, Task> recordAsync, CancellationToken cancellationToken) =>
        TimeAsync(() => inner.SubmitAsync(payouts, recordAsync, cancellationToken));

    public Task ResendAsync(byte[] rawTx, CancellationToken cancellationToken) =>
        TimeAsync(async () =>
        {
            await inner.ResendAsync(rawTx, cancellationToken);
            return true;
        });

    public Task<PayoutCheck> CheckAsync(PayoutBatch batch, CancellationToken cancellationToken) => TimeAsync(() => inner.CheckAsync(batch, cancellationToken));

    public Task<bool> IsPaidAsync(UInt128 payoutId, CancellationToken cancellationToken) => TimeAsync(() => inner.IsPaidAsync(payoutId, cancellationToken));

    public Task<IReadOnlyList<bool>> ArePaidAsync(IReadOnlyList<UInt128> payoutIds, CancellationToken cancellationToken) =>
        TimeAsync(() => inner.ArePaidAsync(payoutIds, cancellationToken));

    private async Task<T> TimeAsync<T>(Func<Task<T>> call)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            return await call();
        }
        finally
        {
            Interlocked.Add(ref ticks, Stopwatch.GetTimestamp() - started);
        }
    }
}

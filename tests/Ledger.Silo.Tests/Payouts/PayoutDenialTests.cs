using System.Numerics;
using Ledger.Core.Domain;
using Ledger.Core.Payouts;
using Ledger.Silo.Payouts;
using Ledger.Silo.Tests.Infrastructure;

namespace Ledger.Silo.Tests.Payouts;

/// <summary>
/// The deny list at gathering, against a real anvil and a real SQLite ledger: a payout whose destination
/// is denied after its request is failed and its hold voided, never paid, while the rest of its round is;
/// a crash between failing it and voiding its hold is repaired by the next round; a Failed payout a crash
/// left holding funds is swept.
/// </summary>
public sealed class PayoutDenialTests(AnvilChain anvil) : IClassFixture<AnvilChain>
{
    private const int Denied = 22;

    /// <summary>The failure reason of a payout whose destination is denied, as the API shows it.</summary>
    private const string DeniedReason = "destination_denied";

    [Fact]
    public async Task A_payout_denied_after_its_request_is_failed_with_its_hold_voided_and_the_rest_of_the_round_is_paid()
    {
        await using var silo = await PayoutHarness.StartAsync(anvil);
        var treasuryBefore = await silo.TreasuryBalanceAsync();
        var first = await silo.CreatePayoutAsync(100_000, destination: 21);
        var denied = await silo.CreatePayoutAsync(200_000, destination: Denied);
        var unheld = await silo.CreatePayoutAsync(50_000, destination: Denied, hold: false);
        var last = await silo.CreatePayoutAsync(300_000, destination: 23);
        await DenyAsync(silo, 5000);
        await DenyAsync(silo, Denied);
        await DenyAsync(silo, 5001);

        await silo.RoundAsync();
        var batch = await silo.BatchAsync(1);
        Assert.Equal([first.Id, last.Id], batch.PayoutIds);
        await silo.RoundsUntilBatchAsync(1, PayoutBatchStatus.Final);

        var failed = await silo.PayoutAsync(denied.Id);
        Assert.Equal((PayoutStatus.Failed, DeniedReason, (ulong?)null), (failed.Status, failed.FailureReason, failed.BatchSeq));
        Assert.Equal(PendingStatus.Voided, await silo.HoldStatusAsync(denied.Id));
        var young = await silo.PayoutAsync(unheld.Id);
        Assert.Equal((PayoutStatus.Failed, DeniedReason), (young.Status, young.FailureReason));
        Assert.Null(await silo.HoldStatusAsync(unheld.Id));
        Assert.False(await silo.IsPaidAsync(denied.Id));
        Assert.False(await silo.IsPaidAsync(unheld.Id));
        Assert.Equal(BigInteger.Zero, await silo.TokenBalanceAsync(PayoutHarness.Destination(Denied)));

        Assert.Equal(PayoutStatus.Confirmed, (await silo.PayoutAsync(first.Id)).Status);
        Assert.Equal(PayoutStatus.Confirmed, (await silo.PayoutAsync(last.Id)).Status);
        Assert.Equal(new BigInteger(100_000), await silo.TokenBalanceAsync(PayoutHarness.Destination(21)));
        Assert.Equal(new BigInteger(300_000), await silo.TokenBalanceAsync(PayoutHarness.Destination(23)));
        Assert.Equal(treasuryBefore - 400_000, await silo.TreasuryBalanceAsync());
        Assert.Equal([first.Id, last.Id], (await silo.PaidEventIdsAsync()).Order());

        // The merchant has the denied payout's funds back: only what was paid is debited.
        var merchant = await silo.AccountAsync(PayoutHarness.MerchantAccount);
        Assert.Equal((UInt128.Zero, (UInt128)400_000), (merchant.DebitsPending, merchant.DebitsPosted));
        Assert.Equal(new PayoutMetricsSnapshot(1, 1, 0, 2, 2, 0, 2, 0), silo.Metrics.Snapshot());

        // Further rounds neither pay nor fail anything again.
        await silo.RoundAsync();
        Assert.Null(await silo.Payouts.GetBatchAsync(2, silo.Token));
        Assert.Equal(2, silo.Metrics.Snapshot().PayoutsDenied);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_crash_between_failing_a_denied_payout_and_voiding_its_hold_is_repaired_by_the_next_round(bool restart)
    {
        await using var silo = await PayoutHarness.StartAsync(anvil);
        var denied = await silo.CreatePayoutAsync(200_000, destination: Denied);
        var allowed = await silo.CreatePayoutAsync(100_000, destination: 24);
        await DenyAsync(silo, Denied);
        silo.Hook = static point =>
        {
            if (point == PayoutCrashPoint.AfterDenied)
            {
                throw new SimulatedPayoutCrashException(point);
            }
        };

        await Assert.ThrowsAsync<SimulatedPayoutCrashException>(silo.RoundAsync);

        // The status moved first: the payout can no longer be batched, and its funds are still held.
        var failed = await silo.PayoutAsync(denied.Id);
        Assert.Equal((PayoutStatus.Failed, DeniedReason), (failed.Status, failed.FailureReason));
        Assert.Equal(PendingStatus.Pending, await silo.HoldStatusAsync(denied.Id));
        Assert.Null(await silo.Payouts.GetBatchAsync(1, silo.Token));

        silo.Hook = null;
        if (restart)
        {
            await silo.RestartAsync();
        }

        await silo.RoundAsync();
        Assert.Equal(PendingStatus.Voided, await silo.HoldStatusAsync(denied.Id));
        Assert.Equal([allowed.Id], (await silo.BatchAsync(1)).PayoutIds);
        await silo.RoundsUntilBatchAsync(1, PayoutBatchStatus.Final);

        Assert.False(await silo.IsPaidAsync(denied.Id));
        Assert.Equal(BigInteger.Zero, await silo.TokenBalanceAsync(PayoutHarness.Destination(Denied)));
        Assert.Equal(PayoutStatus.Confirmed, (await silo.PayoutAsync(allowed.Id)).Status);
        var merchant = await silo.AccountAsync(PayoutHarness.MerchantAccount);
        Assert.Equal((UInt128.Zero, (UInt128)100_000), (merchant.DebitsPending, merchant.DebitsPosted));
        var metrics = silo.Metrics.Snapshot();
        Assert.Equal((1, 1), (metrics.PayoutsDenied, metrics.StrandedHoldsVoided));
    }

    [Fact]
    public async Task A_failed_payout_a_crash_left_holding_funds_is_voided_by_the_sweep()
    {
        await using var silo = await PayoutHarness.StartAsync(anvil);

        // The request failed the payout (its own hold refused) while the silo committed the hold, and the
        // silo crashed before voiding it: Failed in no batch, hold pending.
        var stranded = await silo.CreatePayoutAsync(70_000, destination: 25);
        Assert.True(await silo.Payouts.TryFailPendingPayoutAsync(stranded.Id, "exceeds_credits", DateTimeOffset.UtcNow, silo.Token));

        await silo.RestartAsync();
        await silo.RoundAsync();
        Assert.Equal(PendingStatus.Voided, await silo.HoldStatusAsync(stranded.Id));
        Assert.Equal(PayoutStatus.Failed, (await silo.PayoutAsync(stranded.Id)).Status);
        Assert.Null(await silo.Payouts.GetBatchAsync(1, silo.Token));
        Assert.Equal(1, silo.Metrics.Snapshot().StrandedHoldsVoided);

        // Between sweeps nothing is looked at; once the interval has passed, the next one is voided too.
        var later = await silo.CreatePayoutAsync(80_000, destination: 26);
        Assert.True(await silo.Payouts.TryFailPendingPayoutAsync(later.Id, "exceeds_credits", DateTimeOffset.UtcNow, silo.Token));
        await silo.RoundAsync();
        Assert.Equal(PendingStatus.Pending, await silo.HoldStatusAsync(later.Id));

        silo.Options.FailedHoldSweepInterval = TimeSpan.FromMilliseconds(1);
        await Task.Delay(TimeSpan.FromMilliseconds(5), silo.Token);
        await silo.RoundAsync();
        Assert.Equal(PendingStatus.Voided, await silo.HoldStatusAsync(later.Id));
        Assert.Equal(2, silo.Metrics.Snapshot().StrandedHoldsVoided);

        var merchant = await silo.AccountAsync(PayoutHarness.MerchantAccount);
        Assert.Equal((UInt128.Zero, UInt128.Zero), (merchant.DebitsPending, merchant.DebitsPosted));
    }

    private static Task DenyAsync(PayoutHarness silo, int destination) =>
        silo.Payouts.DenyAddressAsync(new DeniedAddress(PayoutHarness.Destination(destination), "sanctions list", "test", DateTimeOffset.UtcNow), silo.Token).AsTask();
}

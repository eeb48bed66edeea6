using Ledger.Core.Domain;
using Ledger.Core.Payouts;
using Ledger.Silo.Tests.Infrastructure;

namespace Ledger.Silo.Tests.Payouts;

/// <summary>
/// The failed-hold sweep pages through every Failed payout, against a real anvil and a real SQLite
/// ledger: a stranded hold is voided however many payouts were recorded or failed after it.
/// </summary>
public sealed class FailedHoldSweepTests(AnvilChain anvil) : IClassFixture<AnvilChain>
{
    /// <summary>The most payouts a listing returns: the newest this many are all the sweep could see before.</summary>
    private const int PageSize = 1000;

    [Fact]
    public async Task A_stranded_failed_payout_older_than_a_thousand_newer_payouts_is_voided_by_the_first_sweep()
    {
        await using var silo = await PayoutHarness.StartAsync(anvil);
        var now = DateTimeOffset.UtcNow;

        // The oldest payout, with its hold committed.
        var stranded = await silo.CreatePayoutAsync(70_000, destination: 25, createdAt: now.AddHours(-1));

        // More than a page of newer payouts, without holds, Failed before it (the sweep's first page).
        var newer = PageSize + 1;
        for (var i = 0; i < newer; i++)
        {
            var payout = await silo.CreatePayoutAsync(1, destination: 100 + i, hold: false, createdAt: now.AddMinutes(-30).AddTicks(i));
            Assert.True(await silo.Payouts.TryFailPendingPayoutAsync(payout.Id, "exceeds_credits", now.AddMinutes(-20).AddTicks(i), silo.Token));
        }

        // The crash: the request failed it while the silo held its funds, and nothing voided the hold.
        Assert.True(await silo.Payouts.TryFailPendingPayoutAsync(stranded.Id, "exceeds_credits", now, silo.Token));
        Assert.DoesNotContain(stranded.Id, (await silo.Payouts.ListPayoutsAsync(null, PageSize, silo.Token)).Select(static p => p.Id));
        Assert.Equal(PendingStatus.Pending, await silo.HoldStatusAsync(stranded.Id));

        await silo.RestartAsync();
        await silo.RoundAsync();
        Assert.Equal(PendingStatus.Voided, await silo.HoldStatusAsync(stranded.Id));
        Assert.Equal(PayoutStatus.Failed, (await silo.PayoutAsync(stranded.Id)).Status);
        Assert.Equal(1, silo.Metrics.Snapshot().StrandedHoldsVoided);

        var merchant = await silo.AccountAsync(PayoutHarness.MerchantAccount);
        Assert.Equal((UInt128.Zero, UInt128.Zero), (merchant.DebitsPending, merchant.DebitsPosted));
    }
}

using System.Numerics;
using Ledger.Chain.Abi;
using Ledger.Chain.Local;
using Ledger.Core.Domain;
using Ledger.Core.Escrows;
using Ledger.Core.Payouts;
using Ledger.Core.Tokens;
using Ledger.Silo.Escrows;
using Ledger.Silo.Tests.Infrastructure;
using Payout = Ledger.Core.Payouts.Payout;

namespace Ledger.Silo.Tests.Escrows;

/// <summary>
/// The escrow pipeline when the chain holds something the store did not send: an escrow id opened on
/// chain by hand, with the recorded fields (taken as open) or with others (the escrow fails and the
/// reconciler reports it); and the reconciler's payout and treasury checks.
/// </summary>
public sealed class EscrowChainTests(AnvilChain anvil) : IClassFixture<AnvilChain>
{
    private static readonly BigInteger MaxUint256 = (BigInteger.One << 256) - 1;

    [Fact]
    public async Task An_escrow_opened_on_chain_by_hand_as_recorded_is_taken_as_open_not_failed()
    {
        await using var silo = await EscrowHarness.StartAsync(anvil);
        var escrow = await silo.OpenTreasuryEscrowAsync(330_000, payee: 11);
        await OpenByHandAsync(silo, escrow, escrow.TokenAmount);

        await silo.RoundsUntilAsync(escrow.Id, EscrowStatus.Open);

        var open = await silo.EscrowAsync(escrow.Id);
        Assert.Equal((0, (byte[]?)null), (open.Attempts, open.TxHash));
        Assert.Equal(PendingStatus.Pending, await silo.MirrorStatusAsync(escrow.Id));
        Assert.Single(await silo.EventsAsync());
        await silo.Anvil.Control.MineAsync(EscrowHarness.Confirmations, silo.Token);
        await silo.RoundAsync();
        Assert.Empty((await silo.ReconcileAsync())!.Mismatches);
    }

    [Fact]
    public async Task An_escrow_id_taken_on_chain_with_other_fields_fails_the_escrow_and_is_reported()
    {
        await using var silo = await EscrowHarness.StartAsync(anvil);
        var escrow = await silo.OpenTreasuryEscrowAsync(330_000, payee: 12);
        await OpenByHandAsync(silo, escrow, escrow.TokenAmount + 1);

        await silo.RoundAsync();

        var failed = await silo.EscrowAsync(escrow.Id);
        Assert.Equal((EscrowStatus.Failed, "refused: SettlementEscrowIdUsed"), (failed.Status, failed.FailureReason));
        Assert.Equal(PendingStatus.Voided, await silo.MirrorStatusAsync(escrow.Id));
        await silo.Anvil.Control.MineAsync(EscrowHarness.Confirmations, silo.Token);
        await silo.RoundAsync();

        var report = await silo.ReconcileAsync();
        var mismatch = Assert.Single(report!.Mismatches);
        Assert.Equal(((UInt128?)escrow.Id, Reconciler.StateDiffers), (mismatch.Id, mismatch.Kind));
        Assert.Equal(EscrowStatus.Failed, (await silo.EscrowAsync(escrow.Id)).Status);
    }

    [Fact]
    public async Task An_escrow_opened_on_chain_under_an_id_of_ours_that_is_not_recorded_is_reported_until_it_is()
    {
        await using var silo = await EscrowHarness.StartAsync(anvil);
        var known = await silo.OpenTreasuryEscrowAsync(10_000, payee: 13);
        await silo.RoundsUntilAsync(known.Id, EscrowStatus.Open);
        await OpenByHandAsync(silo, known with { Id = 0xDEAD }, 10_000);
        await silo.Anvil.Control.MineAsync(EscrowHarness.Confirmations, silo.Token);
        await silo.RoundAsync();

        var report = await silo.ReconcileAsync();
        var mismatch = Assert.Single(report!.Mismatches);
        Assert.Equal(((UInt128?)0xDEAD, Reconciler.UnknownEscrow), (mismatch.Id, mismatch.Kind));

        // The next report reads no new event of it, and names it still.
        await silo.Anvil.Control.MineAsync(1, silo.Token);
        await silo.RoundAsync();
        var next = await silo.ReconcileAsync();
        Assert.True(next!.BlockNumber > report.BlockNumber);
        Assert.Equal(mismatch, Assert.Single(next.Mismatches));
    }

    [Fact]
    public async Task Held_payouts_the_treasury_cannot_cover_are_reported_short()
    {
        await using var silo = await EscrowHarness.StartAsync(anvil);
        await silo.Stablecoin.TransferAsync(DevKeys.Third.Address, await silo.TokenBalanceAsync(silo.Treasury) - 100_000, silo.Token);
        await silo.RoundAsync();
        var payout = await HeldPayoutAsync(silo, 0x9A1, 100_001);

        var report = await silo.ReconcileAsync();

        Assert.Equal((0, 1), (report!.EscrowsChecked, report.PayoutsChecked));
        var mismatch = Assert.Single(report.Mismatches);
        Assert.Equal((ReconciliationMismatch.TreasurySubject, (UInt128?)null, Reconciler.TreasuryShort), (mismatch.Subject, mismatch.Id, mismatch.Kind));

        // A pending payout whose hold was voided behind the pipeline's back is reported as well.
        var voided = await silo.Engine.CreateTransfersAsync([PayoutLegs.Resolve(payout.Id, post: false)], UInt128.Zero, silo.Token);
        Assert.Equal(CreateTransferResult.Created, voided.Results[0].Result);
        var after = await silo.ReconcileAsync();
        var hold = Assert.Single(after!.Mismatches);
        Assert.Equal(((UInt128?)payout.Id, Reconciler.HoldDiffers), (hold.Id, hold.Kind));
    }

    /// <summary>The treasury opens the escrow's id on chain itself, with the recorded fields but <paramref name="amount"/>.</summary>
    private static async Task OpenByHandAsync(EscrowHarness silo, Escrow escrow, UInt128 amount)
    {
        await silo.Stablecoin.ApproveAsync(silo.Deployment.Escrow, MaxUint256, silo.Token);
        await silo.Contract.OpenAsync(
            EscrowHarness.OnChainHash(escrow.Id),
            Address.FromBytes(escrow.Payee),
            silo.Deployment.Stablecoin,
            amount,
            EscrowFields.DeadlineSeconds(escrow),
            Address.FromBytes(escrow.Arbiter),
            silo.Token);
    }

    /// <summary>A pending erc20 payout of the bank's account with its hold committed, as the request side records one.</summary>
    private static async Task<Payout> HeldPayoutAsync(EscrowHarness silo, UInt128 id, UInt128 amount)
    {
        var ledger = new PayoutLedger(silo.Store, silo.Store, silo.Engine, TimeProvider.System, EscrowHarness.OperatorId);
        await ledger.EnsureClearingAccountAsync(EscrowHarness.Usdc.Ledger, silo.Token);
        var now = DateTimeOffset.UtcNow;
        var payout = new Payout(
            id, EscrowHarness.BankId, EscrowHarness.BankAccount, OperatorAccounts.PayoutClearingId(EscrowHarness.Usdc.Ledger), EscrowHarness.Usdc.Ledger,
            amount, amount, PayoutRail.Erc20, EscrowHarness.Outside(99), PayoutLegs.HoldId(id), PayoutStatus.Pending, null, null, now, now);
        var (result, stored) = await silo.Store.TryAddPayoutAsync(payout, silo.Token);
        Assert.Equal(PayoutCreation.Created, result);
        Assert.Null(await ledger.CommitHoldAsync(stored, silo.Token));
        return stored;
    }
}

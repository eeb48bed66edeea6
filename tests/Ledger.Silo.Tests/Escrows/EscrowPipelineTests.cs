using System.Numerics;
using Ledger.Chain.Abi;
using Ledger.Chain.Local;
using Ledger.Chain.Rpc;
using Ledger.Core.Domain;
using Ledger.Core.Escrows;
using Ledger.Core.Settlement;
using Ledger.Silo.Escrows;
using Ledger.Silo.Leadership;
using Ledger.Silo.Settlement;
using Ledger.Silo.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;

namespace Ledger.Silo.Tests.Escrows;

/// <summary>
/// The escrow pipeline against a real anvil and a real SQLite ledger: a treasury escrow opened, released
/// and refunded; a permit escrow opened and released to the treasury; an open refused before signing and
/// one that reverts when mined; a crash between record and send; a refund sent on chain behind the
/// store's back; a deposed leader; reconciliation clean after the happy paths and dirty when tampered with.
/// </summary>
public sealed class EscrowPipelineTests(AnvilChain anvil) : IClassFixture<AnvilChain>
{
    [Fact]
    public async Task A_treasury_escrow_opens_on_chain_and_its_release_pays_the_payee_and_posts_the_mirror()
    {
        await using var silo = await EscrowHarness.StartAsync(anvil);
        var treasuryBefore = await silo.TokenBalanceAsync(silo.Treasury);
        var escrow = await silo.OpenTreasuryEscrowAsync(2_500_000, payee: 1);

        await silo.RoundAsync();
        var signed = await silo.EscrowAsync(escrow.Id);
        Assert.Equal((EscrowStatus.Opening, EscrowTxKind.Open, 1), (signed.Status, signed.TxKind, signed.Attempts));
        await silo.RoundsUntilAsync(escrow.Id, EscrowStatus.Open);

        var open = await silo.EscrowAsync(escrow.Id);
        Assert.NotNull(open.OpenedBlock);
        Assert.Equal(treasuryBefore - 2_500_000, await silo.TokenBalanceAsync(silo.Treasury));
        Assert.Equal(new BigInteger(2_500_000), await silo.TokenBalanceAsync(silo.Deployment.Escrow));
        var onChain = await silo.Contract.GetEscrowAsync(EscrowHarness.OnChainHash(escrow.Id), BlockTag.Latest, silo.Token);
        Assert.Equal((Ledger.Chain.Contracts.EscrowState.Open, silo.Treasury, Address.FromBytes(EscrowHarness.Outside(1))), (onChain.State, onChain.Payer, onChain.Payee));
        Assert.Equal(PendingStatus.Pending, await silo.MirrorStatusAsync(escrow.Id));

        await silo.RequestReleaseAsync(escrow.Id);
        await silo.RoundsUntilAsync(escrow.Id, EscrowStatus.Released);

        var released = await silo.EscrowAsync(escrow.Id);
        Assert.NotNull(released.ClosedTxHash);
        Assert.Equal(new BigInteger(2_500_000), await silo.TokenBalanceAsync(EscrowHarness.Outside(1)));
        Assert.Equal(BigInteger.Zero, await silo.TokenBalanceAsync(silo.Deployment.Escrow));
        Assert.Equal(PendingStatus.Posted, await silo.MirrorStatusAsync(escrow.Id));
        var bank = await silo.AccountAsync(EscrowHarness.BankAccount);
        Assert.Equal((UInt128.Zero, (UInt128)2_500_000), (bank.DebitsPending, bank.DebitsPosted));
        Assert.Equal([EscrowEventKind.Opened, EscrowEventKind.Released], (await silo.EventsAsync()).Select(static e => e.Kind));
        Assert.Equal(new EscrowMetricsSnapshot(1, 1, 0, 0, 0, 0, 0), silo.Metrics.Snapshot());

        await ReconcileCleanAsync(silo, escrowsChecked: 1);
    }

    [Fact]
    public async Task A_refund_asked_by_the_operator_before_the_deadline_returns_the_tokens_and_voids_the_mirror()
    {
        await using var silo = await EscrowHarness.StartAsync(anvil);
        var treasuryBefore = await silo.TokenBalanceAsync(silo.Treasury);
        var bankBefore = await silo.AccountAsync(EscrowHarness.BankAccount);
        var escrow = await silo.OpenTreasuryEscrowAsync(700_000, payee: 2);
        await silo.RoundsUntilAsync(escrow.Id, EscrowStatus.Open);
        Assert.Equal(treasuryBefore - 700_000, await silo.TokenBalanceAsync(silo.Treasury));

        await silo.RequestRefundAsync(escrow.Id);
        await silo.RoundsUntilAsync(escrow.Id, EscrowStatus.Refunded);

        Assert.Equal(treasuryBefore, await silo.TokenBalanceAsync(silo.Treasury));
        Assert.Equal(BigInteger.Zero, await silo.TokenBalanceAsync(EscrowHarness.Outside(2)));
        Assert.Equal(PendingStatus.Voided, await silo.MirrorStatusAsync(escrow.Id));
        var bank = await silo.AccountAsync(EscrowHarness.BankAccount);
        Assert.Equal((bankBefore.CreditsPosted, UInt128.Zero, UInt128.Zero), (bank.CreditsPosted, bank.DebitsPending, bank.DebitsPosted));
        Assert.Equal(1, silo.Metrics.Snapshot().EscrowsRefunded);

        await ReconcileCleanAsync(silo, escrowsChecked: 1);
    }

    [Fact]
    public async Task A_permit_escrow_opens_from_the_outside_wallet_and_its_release_pays_the_treasury_and_credits_the_merchant()
    {
        await using var silo = await EscrowHarness.StartAsync(anvil);
        var payer = DevKeys.Second;
        var escrow = await silo.OpenPermitEscrowAsync(payer, 1_500_000);
        var payerBefore = await silo.TokenBalanceAsync(payer.Address);
        var treasuryBefore = await silo.TokenBalanceAsync(silo.Treasury);

        await silo.RoundsUntilAsync(escrow.Id, EscrowStatus.Open);
        Assert.Equal(payerBefore - 1_500_000, await silo.TokenBalanceAsync(payer.Address));
        var onChain = await silo.Contract.GetEscrowAsync(EscrowHarness.OnChainHash(escrow.Id), BlockTag.Latest, silo.Token);
        Assert.Equal((payer.Address, silo.Treasury), (onChain.Payer, onChain.Payee));

        await silo.RequestReleaseAsync(escrow.Id);
        await silo.RoundsUntilAsync(escrow.Id, EscrowStatus.Released);

        Assert.Equal(treasuryBefore + 1_500_000, await silo.TokenBalanceAsync(silo.Treasury));
        Assert.Equal(PendingStatus.Posted, await silo.MirrorStatusAsync(escrow.Id));
        var merchant = await silo.AccountAsync(EscrowHarness.MerchantAccount);
        Assert.Equal((UInt128.Zero, (UInt128)1_500_000), (merchant.CreditsPending, merchant.CreditsPosted));

        await ReconcileCleanAsync(silo, escrowsChecked: 1);
    }

    [Fact]
    public async Task An_open_the_contract_refuses_before_signing_fails_with_the_reason_and_voids_the_mirror()
    {
        await using var silo = await EscrowHarness.StartAsync(anvil);

        // A permit for less than the escrow's amount: the permit reverts, no allowance is there.
        var escrow = await silo.OpenPermitEscrowAsync(DevKeys.Third, 900_000, permitValue: 1);
        await silo.RoundAsync();

        var failed = await silo.EscrowAsync(escrow.Id);
        Assert.Equal((EscrowStatus.Failed, "refused: SettlementEscrowPermitFailed", 0), (failed.Status, failed.FailureReason, failed.Attempts));
        Assert.Null(failed.TxHash);
        Assert.Equal(PendingStatus.Voided, await silo.MirrorStatusAsync(escrow.Id));
        Assert.Empty(await silo.EventsAsync());
        Assert.Equal(1, silo.Metrics.Snapshot().EscrowsFailed);

        await silo.RoundAsync();
        await ReconcileCleanAsync(silo, escrowsChecked: 1);
    }

    [Fact]
    public async Task An_open_that_reverts_when_mined_fails_only_at_finality_and_voids_the_mirror()
    {
        await using var silo = await EscrowHarness.StartAsync(anvil);
        var payer = DevKeys.Second;
        var payerSender = await silo.SenderForAsync(payer);
        var intercepting = new InterceptingEscrowChain(silo.Chain);
        silo.Source.Current = intercepting;
        var escrow = await silo.OpenPermitEscrowAsync(payer, 3_000_000);

        // After the open is signed (its estimate passed), the payer moves its tokens away: the permit
        // still succeeds when mined, the transfer into the escrow does not.
        intercepting.AfterRecord = async (_, token) =>
            await silo.Stablecoin.WithSender(payerSender).TransferAsync(DevKeys.Third.Address, await silo.TokenBalanceAsync(payer.Address), token);

        await silo.RoundAsync();
        var receipt = await silo.MinedAsync(escrow.Id);
        Assert.False(receipt.Succeeded);

        // Reverted (the next round sees the receipt), not final yet: nothing is decided.
        await silo.RoundAsync();
        Assert.Equal(EscrowStatus.Opening, (await silo.EscrowAsync(escrow.Id)).Status);
        Assert.Equal(PendingStatus.Pending, await silo.MirrorStatusAsync(escrow.Id));

        await silo.RoundsUntilAsync(escrow.Id, EscrowStatus.Failed);

        var failed = await silo.EscrowAsync(escrow.Id);
        Assert.StartsWith("reverted:", failed.FailureReason, StringComparison.Ordinal);
        Assert.Contains("ERC20InsufficientBalance", failed.FailureReason, StringComparison.Ordinal);
        Assert.Equal(PendingStatus.Voided, await silo.MirrorStatusAsync(escrow.Id));
        var merchant = await silo.AccountAsync(EscrowHarness.MerchantAccount);
        Assert.Equal((UInt128.Zero, UInt128.Zero), (merchant.CreditsPending, merchant.CreditsPosted));
        Assert.Equal(BigInteger.Zero, await silo.TokenBalanceAsync(silo.Deployment.Escrow));
        Assert.Empty(await silo.EventsAsync());
        Assert.Single(intercepting.Recorded);

        await silo.RoundAsync();
        await ReconcileCleanAsync(silo, escrowsChecked: 1);
    }

    [Fact]
    public async Task A_crash_after_the_open_is_recorded_and_before_it_is_sent_resends_it_and_opens_exactly_once()
    {
        await using var silo = await EscrowHarness.StartAsync(anvil);
        var treasuryBefore = await silo.TokenBalanceAsync(silo.Treasury);
        var escrow = await silo.OpenTreasuryEscrowAsync(400_000, payee: 3);
        silo.Hook = point =>
        {
            if (point == EscrowCrashPoint.AfterSigned)
            {
                throw new SimulatedEscrowCrashException(point);
            }
        };

        await Assert.ThrowsAsync<SimulatedEscrowCrashException>(silo.RoundAsync);
        var atCrash = await silo.EscrowAsync(escrow.Id);
        Assert.Equal((EscrowStatus.Opening, 1), (atCrash.Status, atCrash.Attempts));
        Assert.Null(await anvil.Eth.GetTransactionByHashAsync(Hash32.FromBytes(atCrash.TxHash!), silo.Token));

        silo.Hook = null;
        await silo.RestartAsync();
        await silo.RoundsUntilAsync(escrow.Id, EscrowStatus.Open);
        for (var round = 0; round < 2; round++)
        {
            await silo.RoundAsync();
            await silo.MineAfterRoundAsync();
        }

        var open = await silo.EscrowAsync(escrow.Id);
        Assert.Equal(atCrash.TxHash, open.TxHash);
        Assert.Equal(1, open.Attempts);
        Assert.Equal([EscrowEventKind.Opened], (await silo.EventsAsync()).Select(static e => e.Kind));
        Assert.Equal(treasuryBefore - 400_000, await silo.TokenBalanceAsync(silo.Treasury));
        Assert.Equal(1, silo.Metrics.Snapshot().EscrowsOpened);
    }

    [Fact]
    public async Task A_refund_sent_on_chain_behind_the_stores_back_is_applied_the_chain_wins()
    {
        await using var silo = await EscrowHarness.StartAsync(anvil);
        var treasuryBefore = await silo.TokenBalanceAsync(silo.Treasury);
        var escrow = await silo.OpenTreasuryEscrowAsync(650_000, payee: 4);
        await silo.RoundsUntilAsync(escrow.Id, EscrowStatus.Open);

        // The arbiter (the treasury's key) refunds by hand; the store never asked for it.
        await silo.Contract.RefundAsync(EscrowHarness.OnChainHash(escrow.Id), silo.Token);
        await silo.RoundsUntilAsync(escrow.Id, EscrowStatus.Refunded);

        var refunded = await silo.EscrowAsync(escrow.Id);
        Assert.NotNull(refunded.ClosedBlock);
        Assert.Equal(PendingStatus.Voided, await silo.MirrorStatusAsync(escrow.Id));
        Assert.Equal(treasuryBefore, await silo.TokenBalanceAsync(silo.Treasury));
        await ReconcileCleanAsync(silo, escrowsChecked: 1);
    }

    [Fact]
    public async Task A_mirror_voided_behind_the_trackers_back_is_reported_by_the_reconciler()
    {
        await using var silo = await EscrowHarness.StartAsync(anvil);
        var escrow = await silo.OpenTreasuryEscrowAsync(120_000, payee: 5);
        await silo.RoundsUntilAsync(escrow.Id, EscrowStatus.Open);
        await ReconcileCleanAsync(silo, escrowsChecked: 1);

        var voided = await silo.Engine.CreateTransfersAsync([EscrowLegs.Resolve(escrow.Id, post: false)], UInt128.Zero, silo.Token);
        Assert.Equal(CreateTransferResult.Created, voided.Results[0].Result);

        var report = await silo.ReconcileAsync();
        var mismatch = Assert.Single(report!.Mismatches);
        Assert.Equal((ReconciliationMismatch.EscrowSubject, (UInt128?)escrow.Id, Reconciler.MirrorDiffers), (mismatch.Subject, mismatch.Id, mismatch.Kind));
        Assert.Equal(report, await silo.Escrows.GetReconciliationAsync(silo.Token), ReportComparer.Instance);
        Assert.Equal(1, silo.Metrics.Snapshot().LastReconciliationMismatches);
    }

    [Fact]
    public async Task A_deposed_leader_writes_nothing()
    {
        await using var silo = await EscrowHarness.StartAsync(anvil);
        var open = await silo.OpenTreasuryEscrowAsync(10_000, payee: 6);
        await silo.RoundsUntilAsync(open.Id, EscrowStatus.Open);
        await silo.RequestReleaseAsync(open.Id);
        var waiting = await silo.OpenTreasuryEscrowAsync(20_000, payee: 7);
        var cursor = await silo.Escrows.GetEscrowCursorAsync(silo.Token);

        await silo.Store.ReleaseAsync(SiloLeaseOptions.LeaseName, EscrowHarness.Holder, silo.Token);
        Assert.NotNull(await silo.Store.TryAcquireAsync(SiloLeaseOptions.LeaseName, "other", TimeSpan.FromMinutes(1), silo.Token));

        var refused = await Assert.ThrowsAsync<SettlementWriteRefusedException>(silo.RoundAsync);
        Assert.Equal(SettlementWrite.NotLeader, refused.Outcome);
        await Assert.ThrowsAsync<SettlementWriteRefusedException>(silo.ReconcileAsync);

        var releasing = await silo.EscrowAsync(open.Id);
        Assert.Equal((EscrowStatus.Releasing, (byte[]?)null), (releasing.Status, releasing.TxHash));
        var opening = await silo.EscrowAsync(waiting.Id);
        Assert.Equal((EscrowStatus.Opening, (byte[]?)null), (opening.Status, opening.TxHash));
        Assert.Equal(cursor, await silo.Escrows.GetEscrowCursorAsync(silo.Token));
        Assert.Equal([EscrowEventKind.Opened], (await silo.EventsAsync()).Select(static e => e.Kind));

        // The store fences on its own too: a write under the old epoch is refused.
        Assert.Equal(SettlementWrite.NotLeader, await silo.Escrows.TrySetEscrowCursorAsync(cursor, cursor!.Value + 1, silo.Fence, silo.Token));
    }

    [Fact]
    public async Task Without_a_chain_escrows_wait_opening()
    {
        await using var silo = await EscrowHarness.StartAsync(anvil);
        silo.Source.Current = null;
        var escrow = await silo.OpenTreasuryEscrowAsync(5_000, payee: 8);
        await silo.RoundAsync();
        Assert.Null(await silo.ReconcileAsync());
        Assert.Equal((EscrowStatus.Opening, (byte[]?)null), ((await silo.EscrowAsync(escrow.Id)).Status, (await silo.EscrowAsync(escrow.Id)).TxHash));
        Assert.Equal(1, silo.Pipeline.Rounds);

        silo.Source.Current = silo.Chain;
        await silo.RoundsUntilAsync(escrow.Id, EscrowStatus.Open);
    }

    [Fact]
    public async Task The_leader_only_service_opens_releases_and_reconciles_on_its_own()
    {
        await using var silo = await EscrowHarness.StartAsync(anvil);
        await silo.Store.ReleaseAsync(SiloLeaseOptions.LeaseName, EscrowHarness.Holder, silo.Token);
        var election = new LeaderElection(silo.Store, new SiloLeaseOptions { Holder = "service", Duration = TimeSpan.FromSeconds(3) }, NullLogger<LeaderElection>.Instance);
        using var pipeline = new EscrowPipeline(
            election, silo.Store, silo.Store, silo.Store, silo.Store, silo.Processor, silo.Source,
            new EscrowOptions { Interval = TimeSpan.FromMilliseconds(100), ReconcileInterval = TimeSpan.FromMilliseconds(200) }, silo.Metrics,
            TimeProvider.System, NullLoggerFactory.Instance);
        await election.StartAsync(silo.Token);
        await pipeline.StartAsync(silo.Token);
        try
        {
            var escrow = await silo.OpenTreasuryEscrowAsync(77_000, payee: 9);
            await MineUntilAsync(silo, async () => (await silo.EscrowAsync(escrow.Id)).Status == EscrowStatus.Open, "the service to open the escrow");
            await silo.RequestReleaseAsync(escrow.Id);
            await MineUntilAsync(silo, async () => (await silo.EscrowAsync(escrow.Id)).Status == EscrowStatus.Released, "the service to release the escrow");
            await MineUntilAsync(
                silo,
                async () => await silo.Escrows.GetReconciliationAsync(silo.Token) is { EscrowsChecked: 1 } report && report.BlockNumber >= (await silo.EscrowAsync(escrow.Id)).ClosedBlock,
                "the service to reconcile after the release");

            Assert.Empty((await silo.Escrows.GetReconciliationAsync(silo.Token))!.Mismatches);
            Assert.Equal(new BigInteger(77_000), await silo.TokenBalanceAsync(EscrowHarness.Outside(9)));
            Assert.True(pipeline.Rounds > 0);
            Assert.True(pipeline.Metrics.ReconciliationRuns > 0);
        }
        finally
        {
            await pipeline.StopAsync(CancellationToken.None);
            await election.StopAsync(CancellationToken.None);
            election.Dispose();
        }
    }

    /// <summary>
    /// Mines a block every 100 ms until <paramref name="done"/> holds; fails naming <paramref name="what"/>
    /// after <see cref="ChainWait.Timeout"/>. Bounded by time, not by a count of looks: on a loaded machine
    /// the service's rounds come late.
    /// </summary>
    private static Task MineUntilAsync(EscrowHarness silo, Func<Task<bool>> done, string what) =>
        ChainWait.UntilAsync(
            async () =>
            {
                if (await done())
                {
                    return true;
                }

                await silo.Anvil.Control.MineAsync(1, silo.Token);
                return false;
            },
            $"{what} (a block mined at each look)",
            silo.Token,
            poll: TimeSpan.FromMilliseconds(100));

    /// <summary>Reconciles after the cursor has caught up with the final blocks; the report must be clean and stored.</summary>
    private static async Task ReconcileCleanAsync(EscrowHarness silo, int escrowsChecked)
    {
        await CatchUpAsync(silo);
        var report = await silo.ReconcileAsync();
        Assert.NotNull(report);
        Assert.Empty(report.Mismatches);
        Assert.Equal(escrowsChecked, report.EscrowsChecked);
        Assert.Equal(await silo.Escrows.GetEscrowCursorAsync(silo.Token), report.BlockNumber);
        Assert.Equal(report, await silo.Escrows.GetReconciliationAsync(silo.Token), ReportComparer.Instance);
        Assert.Equal(0, silo.Metrics.Snapshot().LastReconciliationMismatches);
    }

    /// <summary>Mines past the finality depth and runs a round, so the event cursor reaches every block mined so far but the last.</summary>
    private static async Task CatchUpAsync(EscrowHarness silo)
    {
        await silo.Anvil.Control.MineAsync(EscrowHarness.Confirmations, silo.Token);
        await silo.RoundAsync();
    }
}

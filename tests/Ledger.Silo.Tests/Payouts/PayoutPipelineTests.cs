using System.Numerics;
using Ledger.Chain.Abi;
using Ledger.Chain.Contracts;
using Ledger.Chain.Local;
using Ledger.Chain.Rpc;
using Ledger.Chain.Transactions;
using Ledger.Core.Domain;
using Ledger.Core.Payouts;
using Ledger.Core.Settlement;
using Ledger.Core.Tokens;
using Ledger.Silo.Leadership;
using Ledger.Silo.Payouts;
using Ledger.Silo.Settlement;
using Ledger.Silo.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;
using ChainPayout = Ledger.Chain.Contracts.Payout;

namespace Ledger.Silo.Tests.Payouts;

/// <summary>
/// The payout pipeline against a real anvil and a real SQLite ledger: a batch paid and final, batches cut
/// at 256, a crash at each step, a displaced transaction, a reverting one, a payout paid behind the
/// pipeline's back, a reorganisation, a deposed leader, a treasury shortfall (at gathering and at signing),
/// holds committed past their grace, no chain, the service.
/// </summary>
public sealed class PayoutPipelineTests(AnvilChain anvil) : IClassFixture<AnvilChain>
{
    [Fact]
    public async Task A_payout_is_paid_once_and_confirmed_when_final_with_its_hold_posted()
    {
        await using var silo = await PayoutHarness.StartAsync(anvil);
        var treasuryBefore = await silo.TreasuryBalanceAsync();
        var payout = await silo.CreatePayoutAsync(1_234_567, destination: 1);

        await silo.RoundAsync();
        var signed = await silo.BatchAsync(1);
        Assert.Equal((PayoutBatchStatus.Signed, 1), (signed.Status, signed.Attempts));
        Assert.Equal([payout.Id], signed.PayoutIds);
        Assert.Equal(PayoutStatus.Submitted, (await silo.PayoutAsync(payout.Id)).Status);
        Assert.Equal(PendingStatus.Pending, await silo.HoldStatusAsync(payout.Id));

        // Once anvil has mined it (a moment after it was sent), the next round finds it in a block.
        await silo.MinedAsync(1);
        await silo.RoundAsync();
        Assert.Equal(PayoutBatchStatus.Included, (await silo.BatchAsync(1)).Status);
        Assert.Equal(PendingStatus.Pending, await silo.HoldStatusAsync(payout.Id));
        await silo.RoundsUntilBatchAsync(1, PayoutBatchStatus.Final);

        var final = await silo.BatchAsync(1);
        Assert.Equal(signed.TxHash, final.TxHash);
        var receipt = await anvil.Eth.GetTransactionReceiptAsync(Hash32.FromBytes(final.TxHash!), silo.Token);
        Assert.True(receipt!.Succeeded);
        Assert.Equal((receipt.BlockNumber, receipt.BlockHash), (final.BlockNumber!.Value, Hash32.FromBytes(final.BlockHash!)));
        Assert.Equal(PayoutStatus.Confirmed, (await silo.PayoutAsync(payout.Id)).Status);
        Assert.Equal(PendingStatus.Posted, await silo.HoldStatusAsync(payout.Id));
        Assert.Equal(new BigInteger(1_234_567), await silo.TokenBalanceAsync(PayoutHarness.Destination(1)));
        Assert.Equal(treasuryBefore - 1_234_567, await silo.TreasuryBalanceAsync());
        Assert.True(await silo.IsPaidAsync(payout.Id));
        Assert.Equal([payout.Id], await silo.PaidEventIdsAsync());

        var merchant = await silo.AccountAsync(PayoutHarness.MerchantAccount);
        Assert.Equal((UInt128.Zero, (UInt128)1_234_567), (merchant.DebitsPending, merchant.DebitsPosted));
        var clearing = await silo.AccountAsync(OperatorAccounts.PayoutClearingId(PayoutHarness.UsdcLedger));
        Assert.Equal((UInt128.Zero, (UInt128)1_234_567), (clearing.CreditsPending, clearing.CreditsPosted));
        Assert.Equal(new PayoutMetricsSnapshot(1, 1, 0, 1, 0, 0, 0, 0), silo.Pipeline.Metrics);

        // Nothing more to do: further rounds change nothing.
        await silo.RoundAsync();
        Assert.Null(await silo.Payouts.GetBatchAsync(2, silo.Token));
        Assert.Empty(await silo.Payouts.ListOpenBatchesAsync(10, silo.Token));
    }

    [Fact]
    public async Task Three_hundred_payouts_go_out_in_a_batch_of_256_and_one_of_44()
    {
        await using var silo = await PayoutHarness.StartAsync(anvil);
        var treasuryBefore = await silo.TreasuryBalanceAsync();
        var payouts = await silo.CreatePayoutsAsync(300, 1_000);

        await silo.RoundsUntilAsync(async () =>
            (await silo.Payouts.GetBatchAsync(2, silo.Token))?.Status == PayoutBatchStatus.Final && (await silo.BatchAsync(1)).Status == PayoutBatchStatus.Final);

        var ids = payouts.Select(static p => p.Id).ToList();
        Assert.Equal(ids.Take(256), (await silo.BatchAsync(1)).PayoutIds);
        Assert.Equal(ids.Skip(256), (await silo.BatchAsync(2)).PayoutIds);
        Assert.Null(await silo.Payouts.GetBatchAsync(3, silo.Token));
        Assert.Equal(ids.Order(), (await silo.PaidEventIdsAsync()).Order());
        Assert.All(await silo.Chain.ArePaidAsync(ids, silo.Token), Assert.True);
        Assert.Equal(treasuryBefore - 300_000, await silo.TreasuryBalanceAsync());
        Assert.Equal(new BigInteger(1_000), await silo.TokenBalanceAsync(PayoutHarness.Destination(0)));
        Assert.Equal(new BigInteger(1_000), await silo.TokenBalanceAsync(PayoutHarness.Destination(299)));
        foreach (var payout in payouts)
        {
            Assert.Equal(PayoutStatus.Confirmed, (await silo.PayoutAsync(payout.Id)).Status);
        }

        var merchant = await silo.AccountAsync(PayoutHarness.MerchantAccount);
        Assert.Equal((UInt128.Zero, (UInt128)300_000), (merchant.DebitsPending, merchant.DebitsPosted));
        Assert.Equal(new PayoutMetricsSnapshot(2, 2, 0, 300, 0, 0, 0, 0), silo.Metrics.Snapshot());
    }

    [Theory]
    [InlineData(PayoutCrashPoint.AfterSigned)]
    [InlineData(PayoutCrashPoint.AfterSent)]
    [InlineData(PayoutCrashPoint.AfterFinal)]
    public async Task A_crash_at_any_step_resumes_and_pays_each_payout_exactly_once(PayoutCrashPoint point)
    {
        await using var silo = await PayoutHarness.StartAsync(anvil);
        var treasuryBefore = await silo.TreasuryBalanceAsync();
        var payouts = await silo.CreatePayoutsAsync(3, 500_000);
        var crashed = false;
        silo.Hook = at =>
        {
            if (at == point && !crashed)
            {
                crashed = true;
                throw new SimulatedPayoutCrashException(at);
            }
        };

        for (var round = 0; !crashed && round < 10; round++)
        {
            try
            {
                await silo.RoundAsync();
            }
            catch (SimulatedPayoutCrashException)
            {
                break;
            }

            await silo.MineAfterRoundAsync();
        }

        Assert.True(crashed);
        var atCrash = await silo.BatchAsync(1);
        var known = await anvil.Eth.GetTransactionByHashAsync(Hash32.FromBytes(atCrash.TxHash!), silo.Token);
        switch (point)
        {
            case PayoutCrashPoint.AfterSigned:
                Assert.Equal(PayoutBatchStatus.Signed, atCrash.Status);
                Assert.Null(known);
                Assert.Empty(await silo.PaidEventIdsAsync());
                break;
            case PayoutCrashPoint.AfterSent:
                Assert.Equal(PayoutBatchStatus.Signed, atCrash.Status);
                Assert.NotNull(known);
                break;
            default:
                Assert.NotEqual(PayoutBatchStatus.Final, atCrash.Status);
                Assert.True(await silo.IsPaidAsync(payouts[0].Id));
                Assert.Equal(PendingStatus.Pending, await silo.HoldStatusAsync(payouts[0].Id));
                break;
        }

        silo.Hook = null;
        await silo.RestartAsync();
        await silo.RoundsUntilBatchAsync(1, PayoutBatchStatus.Final);
        for (var round = 0; round < 2; round++)
        {
            await silo.RoundAsync();
            await silo.MineAfterRoundAsync();
        }

        var final = await silo.BatchAsync(1);
        Assert.Equal(atCrash.TxHash, final.TxHash);
        Assert.Equal(1, final.Attempts);
        Assert.Null(await silo.Payouts.GetBatchAsync(2, silo.Token));
        Assert.Equal(payouts.Select(static p => p.Id).Order(), (await silo.PaidEventIdsAsync()).Order());
        Assert.Equal(treasuryBefore - 1_500_000, await silo.TreasuryBalanceAsync());
        for (var i = 0; i < payouts.Count; i++)
        {
            Assert.Equal(new BigInteger(500_000), await silo.TokenBalanceAsync(PayoutHarness.Destination(i)));
            Assert.Equal(PendingStatus.Posted, await silo.HoldStatusAsync(payouts[i].Id));
            Assert.Equal(PayoutStatus.Confirmed, (await silo.PayoutAsync(payouts[i].Id)).Status);
        }

        var merchant = await silo.AccountAsync(PayoutHarness.MerchantAccount);
        Assert.Equal((UInt128.Zero, (UInt128)1_500_000), (merchant.DebitsPending, merchant.DebitsPosted));
    }

    [Fact]
    public async Task A_transaction_whose_nonce_is_taken_is_replaced_and_the_payout_paid_once()
    {
        await using var silo = await PayoutHarness.StartAsync(anvil);
        var intercepting = new InterceptingPayoutChain(silo.Chain);
        silo.Source.Current = intercepting;
        var payout = await silo.CreatePayoutAsync(750_000, destination: 7);

        // Right after the record, another transaction from the same key takes the nonce and is mined; the
        // recorded bytes are then refused by the node.
        intercepting.AfterRecord = async (signed, token) =>
        {
            var fees = await anvil.Eth.GetFeeInputsAsync(token);
            var other = new Eip1559Transaction(
                silo.Sender.ChainId, signed.Nonce, fees.MaxPriorityFeePerGas * 2, (fees.BaseFeePerGas * 4) + (fees.MaxPriorityFeePerGas * 2), 21_000, DevKeys.Second.Address, BigInteger.Zero, []);
            await anvil.Eth.SendRawTransactionAsync(other.Sign(DevKeys.First).Raw, token);
        };

        await silo.RoundAsync();
        var displaced = await silo.BatchAsync(1);
        Assert.Equal((PayoutBatchStatus.Signed, 1), (displaced.Status, displaced.Attempts));
        Assert.Null(await anvil.Eth.GetTransactionReceiptAsync(Hash32.FromBytes(displaced.TxHash!), silo.Token));

        await silo.RoundsUntilBatchAsync(1, PayoutBatchStatus.Final);

        var final = await silo.BatchAsync(1);
        Assert.Equal(2, final.Attempts);
        Assert.Equal(2, intercepting.Recorded.Count);
        Assert.NotEqual(displaced.TxHash, final.TxHash);
        Assert.Equal(intercepting.Recorded[1].TxHash, final.TxHash);
        Assert.Null(await anvil.Eth.GetTransactionReceiptAsync(Hash32.FromBytes(displaced.TxHash!), silo.Token));
        Assert.Equal([payout.Id], await silo.PaidEventIdsAsync());
        Assert.Equal(new BigInteger(750_000), await silo.TokenBalanceAsync(PayoutHarness.Destination(7)));
        Assert.Equal(PendingStatus.Posted, await silo.HoldStatusAsync(payout.Id));
        Assert.Equal(PayoutStatus.Confirmed, (await silo.PayoutAsync(payout.Id)).Status);
    }

    [Fact]
    public async Task A_batch_that_reverts_fails_once_final_and_its_holds_are_voided()
    {
        await using var silo = await PayoutHarness.StartAsync(anvil);
        var thief = await silo.SenderForAsync(DevKeys.Second);
        await silo.Stablecoin.ApproveAsync(thief.Sender, BigInteger.Pow(10, 30), silo.Token);
        var intercepting = new InterceptingPayoutChain(silo.Chain);
        silo.Source.Current = intercepting;
        var merchantBefore = await silo.AccountAsync(PayoutHarness.MerchantAccount);
        var payout = await silo.CreatePayoutAsync(2_000_000, destination: 9);

        // After the pay is signed (its estimate passed) the treasury is drained, so it reverts when mined.
        intercepting.AfterRecord = async (_, _) =>
            await silo.TransferFromAsync(thief, silo.Treasury, thief.Sender, await silo.TreasuryBalanceAsync());

        await silo.RoundAsync();
        var receipt = await silo.MinedAsync(1);
        Assert.False(receipt.Succeeded);

        // Reverted (the next round sees the receipt) but not final yet: nothing is decided.
        await silo.RoundAsync();
        Assert.Equal(PayoutBatchStatus.Signed, (await silo.BatchAsync(1)).Status);
        Assert.Equal(PendingStatus.Pending, await silo.HoldStatusAsync(payout.Id));

        await silo.RoundsUntilBatchAsync(1, PayoutBatchStatus.Failed);

        var failed = await silo.BatchAsync(1);
        Assert.Contains("ERC20InsufficientBalance", failed.FailureReason, StringComparison.Ordinal);
        var stored = await silo.PayoutAsync(payout.Id);
        Assert.Equal(PayoutStatus.Failed, stored.Status);
        Assert.Equal(failed.FailureReason, stored.FailureReason);
        Assert.Equal(PendingStatus.Voided, await silo.HoldStatusAsync(payout.Id));
        var merchant = await silo.AccountAsync(PayoutHarness.MerchantAccount);
        Assert.Equal((merchantBefore.CreditsPosted, UInt128.Zero, UInt128.Zero), (merchant.CreditsPosted, merchant.DebitsPending, merchant.DebitsPosted));
        Assert.False(await silo.IsPaidAsync(payout.Id));
        Assert.Empty(await silo.PaidEventIdsAsync());
        Assert.Equal(BigInteger.Zero, await silo.TokenBalanceAsync(PayoutHarness.Destination(9)));
        Assert.Equal(new PayoutMetricsSnapshot(1, 0, 1, 0, 1, 0, 0, 0), silo.Metrics.Snapshot());
    }

    [Fact]
    public async Task A_payout_paid_on_chain_is_never_voided_when_its_own_transaction_fails()
    {
        await using var silo = await PayoutHarness.StartAsync(anvil);
        var other = await silo.SenderForAsync(DevKeys.Second);
        await silo.GrantPayerAsync(other.Sender);
        await silo.MintAsync(other.Sender, 10);
        await silo.Stablecoin.WithSender(other).ApproveAsync(silo.Deployment.Payouts, 10, silo.Token);
        var intercepting = new InterceptingPayoutChain(silo.Chain);
        silo.Source.Current = intercepting;
        var payout = await silo.CreatePayoutAsync(3_000_000, destination: 11);

        // Another payer pays the same id first: the batch reverts (PayoutBatcherAlreadyPaid), yet the id is paid.
        intercepting.AfterRecord = async (_, token) =>
            await new PayoutBatcherContract(silo.Deployment.Payouts, anvil.Eth, other).PayAsync(
                silo.Deployment.Stablecoin, [new ChainPayout(Hash32.FromBytes(OnChainId.ToBytes32(payout.Id)), Address.FromBytes(PayoutHarness.Destination(99)), 1)], token);

        for (var round = 0; round < 6; round++)
        {
            await silo.RoundAsync();
            await silo.MineAfterRoundAsync();
        }

        var batch = await silo.BatchAsync(1);
        var receipt = await silo.MinedAsync(1);
        Assert.False(receipt.Succeeded);
        Assert.Equal(PayoutBatchStatus.Signed, batch.Status);
        Assert.Equal(PendingStatus.Pending, await silo.HoldStatusAsync(payout.Id));
        Assert.Equal(PayoutStatus.Submitted, (await silo.PayoutAsync(payout.Id)).Status);
        Assert.True(await silo.IsPaidAsync(payout.Id));
        Assert.Equal([payout.Id], await silo.PaidEventIdsAsync());
        Assert.Null(await silo.Payouts.GetBatchAsync(2, silo.Token));
        Assert.Equal(0, silo.Metrics.Snapshot().BatchesFailed);
    }

    [Fact]
    public async Task A_reorganised_batch_is_sent_again_and_paid_once()
    {
        await using var silo = await PayoutHarness.StartAsync(anvil);
        await silo.Chain.EnsureAllowanceAsync(BigInteger.One, silo.Token);
        var snapshot = await anvil.Control.SnapshotAsync(silo.Token);
        var payout = await silo.CreatePayoutAsync(321_000, destination: 12);
        await silo.RoundAsync();
        await silo.MinedAsync(1);
        await silo.RoundAsync();
        var included = await silo.BatchAsync(1);
        Assert.Equal(PayoutBatchStatus.Included, included.Status);

        Assert.True(await anvil.Control.RevertAsync(snapshot, silo.Token));
        Assert.False(await silo.IsPaidAsync(payout.Id));

        await silo.RoundAsync();
        Assert.NotEqual(PayoutBatchStatus.Final, (await silo.BatchAsync(1)).Status);
        await silo.RoundsUntilBatchAsync(1, PayoutBatchStatus.Final);

        var final = await silo.BatchAsync(1);
        Assert.Equal(included.TxHash, final.TxHash);
        var receipt = await anvil.Eth.GetTransactionReceiptAsync(Hash32.FromBytes(final.TxHash!), silo.Token);
        Assert.Equal(receipt!.BlockHash, Hash32.FromBytes(final.BlockHash!));
        Assert.Equal([payout.Id], await silo.PaidEventIdsAsync());
        Assert.Equal(new BigInteger(321_000), await silo.TokenBalanceAsync(PayoutHarness.Destination(12)));
        Assert.Equal(PendingStatus.Posted, await silo.HoldStatusAsync(payout.Id));
    }

    [Fact]
    public async Task A_batch_the_treasury_cannot_cover_at_signing_waits_open_until_it_is_funded()
    {
        await using var silo = await PayoutHarness.StartAsync(anvil, treasuryTokens: 1_000);
        var intercepting = new InterceptingPayoutChain(silo.Chain) { TreasuryBalance = BigInteger.Pow(10, 12) };
        silo.Source.Current = intercepting;
        var payout = await silo.CreatePayoutAsync(5_000, destination: 13);

        // Gathered on a balance that is not there: the contract refuses at the estimate, nothing is signed.
        await silo.RoundAsync();
        await silo.RoundAsync();
        var open = await silo.BatchAsync(1);
        Assert.Equal((PayoutBatchStatus.Open, 0), (open.Status, open.Attempts));
        Assert.Empty(intercepting.Recorded);
        Assert.Equal(PendingStatus.Pending, await silo.HoldStatusAsync(payout.Id));
        Assert.Equal(2, silo.Metrics.Snapshot().TreasuryShortfallWaits);

        await silo.MintAsync(silo.Treasury, 10_000);
        await silo.RoundsUntilBatchAsync(1, PayoutBatchStatus.Final);
        Assert.Equal([payout.Id], await silo.PaidEventIdsAsync());
        Assert.Equal(new BigInteger(6_000), await silo.TreasuryBalanceAsync());
    }

    [Fact]
    public async Task A_deposed_leader_writes_nothing()
    {
        await using var silo = await PayoutHarness.StartAsync(anvil);
        var first = await silo.CreatePayoutAsync(100, destination: 3);
        await silo.RoundAsync();
        await silo.MinedAsync(1);
        await silo.RoundAsync();
        Assert.Equal(PayoutBatchStatus.Included, (await silo.BatchAsync(1)).Status);
        await anvil.Control.MineAsync(silo.Confirmations, silo.Token);
        var second = await silo.CreatePayoutAsync(200, destination: 4);

        await silo.Store.ReleaseAsync(SiloLeaseOptions.LeaseName, PayoutHarness.Holder, silo.Token);
        Assert.NotNull(await silo.Store.TryAcquireAsync(SiloLeaseOptions.LeaseName, "other", TimeSpan.FromMinutes(1), silo.Token));

        var refused = await Assert.ThrowsAsync<SettlementWriteRefusedException>(silo.RoundAsync);

        Assert.Equal(SettlementWrite.NotLeader, refused.Outcome);
        Assert.Equal(PayoutBatchStatus.Included, (await silo.BatchAsync(1)).Status);
        Assert.Equal(PendingStatus.Pending, await silo.HoldStatusAsync(first.Id));
        Assert.Equal(PayoutStatus.Submitted, (await silo.PayoutAsync(first.Id)).Status);
        Assert.Null(await silo.Payouts.GetBatchAsync(2, silo.Token));
        Assert.Equal(PayoutStatus.Pending, (await silo.PayoutAsync(second.Id)).Status);
        Assert.False(await silo.IsPaidAsync(second.Id));

        // The store fences on its own too: a write under the old epoch is refused.
        Assert.Equal(SettlementWrite.NotLeader, (await silo.Payouts.TryOpenBatchAsync([second.Id], DateTimeOffset.UtcNow, silo.Fence, silo.Token)).Result);
    }

    [Fact]
    public async Task Payouts_the_treasury_cannot_cover_wait_pending_and_go_out_once_it_is_funded()
    {
        await using var silo = await PayoutHarness.StartAsync(anvil, treasuryTokens: 100_000_000);
        var first = await silo.CreatePayoutAsync(60_000_000, destination: 1);
        var second = await silo.CreatePayoutAsync(60_000_000, destination: 2);

        await silo.RoundsUntilBatchAsync(1, PayoutBatchStatus.Final);
        Assert.Equal([first.Id], (await silo.BatchAsync(1)).PayoutIds);
        await silo.RoundAsync();
        Assert.Null(await silo.Payouts.GetBatchAsync(2, silo.Token));
        Assert.Equal(PayoutStatus.Pending, (await silo.PayoutAsync(second.Id)).Status);
        Assert.Equal(PendingStatus.Pending, await silo.HoldStatusAsync(second.Id));
        Assert.True(silo.Metrics.Snapshot().TreasuryShortfallWaits >= 2);

        await silo.MintAsync(silo.Treasury, 100_000_000);
        await silo.RoundsUntilBatchAsync(2, PayoutBatchStatus.Final);

        Assert.Equal([second.Id], (await silo.BatchAsync(2)).PayoutIds);
        Assert.Equal(PayoutStatus.Confirmed, (await silo.PayoutAsync(second.Id)).Status);
        Assert.Equal(new BigInteger(60_000_000), await silo.TokenBalanceAsync(PayoutHarness.Destination(2)));
        Assert.Equal(new BigInteger(80_000_000), await silo.TreasuryBalanceAsync());
    }

    [Fact]
    public async Task A_missing_hold_is_committed_past_its_grace_and_a_refused_one_fails_the_payout()
    {
        await using var silo = await PayoutHarness.StartAsync(anvil, merchantFunds: 1_000_000);
        var old = DateTimeOffset.UtcNow.AddMinutes(-5);
        var late = await silo.CreatePayoutAsync(1_000, destination: 1, hold: false, createdAt: old);
        var tooLarge = await silo.CreatePayoutAsync(5_000_000, destination: 2, hold: false, createdAt: old.AddTicks(1));
        var young = await silo.CreatePayoutAsync(2_000, destination: 3, hold: false);

        await silo.RoundsUntilBatchAsync(1, PayoutBatchStatus.Final);

        Assert.Equal([late.Id], (await silo.BatchAsync(1)).PayoutIds);
        Assert.Equal(PayoutStatus.Confirmed, (await silo.PayoutAsync(late.Id)).Status);
        Assert.Equal(PendingStatus.Posted, await silo.HoldStatusAsync(late.Id));
        var refused = await silo.PayoutAsync(tooLarge.Id);
        Assert.Equal((PayoutStatus.Failed, "exceeds_credits"), (refused.Status, refused.FailureReason));
        Assert.Null(await silo.HoldStatusAsync(tooLarge.Id));
        Assert.Equal(PayoutStatus.Pending, (await silo.PayoutAsync(young.Id)).Status);
        Assert.Null(await silo.HoldStatusAsync(young.Id));
        Assert.Equal(1, silo.Metrics.Snapshot().PayoutsFailed);
    }

    [Fact]
    public async Task Without_a_chain_payouts_wait_pending()
    {
        await using var silo = await PayoutHarness.StartAsync(anvil);
        silo.Source.Current = null;
        var payout = await silo.CreatePayoutAsync(5_000, destination: 5);
        await silo.RoundAsync();
        await silo.RoundAsync();
        Assert.Null(await silo.Payouts.GetBatchAsync(1, silo.Token));
        Assert.Equal(2, silo.Pipeline.Rounds);

        silo.Source.Current = silo.Chain;
        await silo.RoundsUntilBatchAsync(1, PayoutBatchStatus.Final);
        Assert.Equal(PayoutStatus.Confirmed, (await silo.PayoutAsync(payout.Id)).Status);
    }

    [Fact]
    public async Task The_leader_only_service_pays_out_on_its_own()
    {
        await using var silo = await PayoutHarness.StartAsync(anvil);
        await silo.Store.ReleaseAsync(SiloLeaseOptions.LeaseName, PayoutHarness.Holder, silo.Token);
        var election = new LeaderElection(silo.Store, new SiloLeaseOptions { Holder = "service", Duration = TimeSpan.FromSeconds(3) }, NullLogger<LeaderElection>.Instance);
        using var pipeline = new PayoutPipeline(
            election, silo.Store, silo.Store, silo.Ledger, silo.Source, new PayoutOptions { Interval = TimeSpan.FromMilliseconds(100) }, silo.Metrics,
            TimeProvider.System, NullLoggerFactory.Instance);
        await election.StartAsync(silo.Token);
        await pipeline.StartAsync(silo.Token);
        try
        {
            var payout = await silo.CreatePayoutAsync(42_000, destination: 6);

            // Bounded by time, not by a count of looks: on a loaded machine the service's rounds come late.
            await ChainWait.UntilAsync(
                async () =>
                {
                    await anvil.Control.MineAsync(1, silo.Token);
                    return (await silo.PayoutAsync(payout.Id)).Status == PayoutStatus.Confirmed;
                },
                "the service to confirm the payout (a block mined at each look)",
                silo.Token,
                poll: TimeSpan.FromMilliseconds(100));

            Assert.True(pipeline.Rounds > 0);
            Assert.Equal(new BigInteger(42_000), await silo.TokenBalanceAsync(PayoutHarness.Destination(6)));
            Assert.Equal(PendingStatus.Posted, await silo.HoldStatusAsync(payout.Id));
        }
        finally
        {
            await pipeline.StopAsync(CancellationToken.None);
            await election.StopAsync(CancellationToken.None);
            election.Dispose();
        }
    }
}

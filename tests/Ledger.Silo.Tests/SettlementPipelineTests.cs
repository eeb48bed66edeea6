using System.Numerics;
using Ledger.Chain.Rpc;
using Ledger.Core.Settlement;
using Ledger.Silo.Settlement;
using Ledger.Silo.Tests.Infrastructure;
using static Ledger.Silo.Tests.Infrastructure.SiloHarness;

namespace Ledger.Silo.Tests;

/// <summary>
/// The settlement pipeline against a real anvil and a real SQLite ledger: cutoffs, anchors on chain,
/// finality, a crash between recording and sending, a reorganisation, a deposed leader, no chain.
/// </summary>
public sealed class SettlementPipelineTests(AnvilChain anvil) : IClassFixture<AnvilChain>
{
    private static readonly NetPosition[] OneRoundNets =
    [
        new(BankA, 1, -120), new(BankB, 1, 70), new(BankC, 1, 50),
    ];

    [Fact]
    public async Task Rounds_of_transfers_close_batches_that_are_anchored_in_order_and_become_final()
    {
        await using var silo = await StartAsync(anvil);
        await silo.CommitRoundAsync();
        await silo.RoundsUntilAsync(async () => await silo.StatusAsync(1) == AnchorStatus.Anchored);
        await silo.CommitRoundAsync();
        await silo.CommitRoundAsync();
        await silo.RoundsUntilAsync(async () => (await silo.Settlements.GetLastSettlementAsync(silo.Token))?.Anchor.Status == AnchorStatus.Anchored);

        var settlements = await silo.Settlements.ListSettlementsAsync(0, 10, silo.Token);
        Assert.Equal([(1UL, 0UL, 6UL), (2UL, 6UL, 18UL)], settlements.Select(static s => (s.Seq, s.FirstLogIndex, s.TreeSize)));
        Assert.Equal(OneRoundNets, settlements[0].NetPositions);
        Assert.Equal(OneRoundNets.Select(static p => p with { Net = p.Net * 2 }), settlements[1].NetPositions);
        foreach (var settlement in settlements)
        {
            NetPositionBook.AssertBalanced(settlement.NetPositions);
            Assert.Equal(await silo.Merkle.GetTreeHeadAsync(settlement.TreeSize, silo.Token), settlement.Root);
            var onChain = await silo.Anchor.GetAnchorAsync(settlement.Seq, BlockTag.Latest, silo.Token);
            Assert.Equal((settlement.TreeSize, Hash32.FromBytes(settlement.Root)), (onChain.TreeSize, onChain.Root));
            Assert.Equal(settlement.Seq, settlement.Anchor.ChainSeq);
            var receipt = await anvil.Eth.GetTransactionReceiptAsync(Hash32.FromBytes(settlement.Anchor.TxHash!), silo.Token);
            Assert.Equal((receipt!.BlockNumber, receipt.BlockHash), (settlement.Anchor.BlockNumber!.Value, Hash32.FromBytes(settlement.Anchor.BlockHash!)));
        }

        Assert.Equal(2UL, (await silo.Anchor.GetLatestAsync(BlockTag.Latest, silo.Token)).Seq);

        // Not final until the finality depth: mine the blocks, then one round makes both final.
        await silo.RoundAsync();
        Assert.NotEqual(AnchorStatus.Final, await silo.StatusAsync(2));
        await anvil.Control.MineAsync(silo.Confirmations, silo.Token);
        await silo.RoundAsync();
        Assert.Equal((AnchorStatus.Final, AnchorStatus.Final), (await silo.StatusAsync(1), await silo.StatusAsync(2)));
        Assert.Empty(await silo.Settlements.ListUnfinalSettlementsAsync(10, silo.Token));
    }

    [Fact]
    public async Task A_crash_between_recording_and_sending_resumes_with_the_same_transaction_and_one_anchor()
    {
        await using var silo = await StartAsync(anvil);
        var crashing = new CrashAfterRecordChain(silo.Chain);
        silo.Source.Current = crashing;
        await silo.CommitRoundAsync();

        await Assert.ThrowsAsync<SimulatedCrashException>(silo.RoundAsync);

        var recorded = (await silo.Settlements.GetSettlementAsync(1, silo.Token))!.Anchor;
        Assert.Equal(AnchorStatus.Submitted, recorded.Status);
        Assert.NotNull(recorded.RawTx);
        Assert.Null(await anvil.Eth.GetTransactionByHashAsync(Hash32.FromBytes(recorded.TxHash!), silo.Token));
        Assert.Equal(0UL, (await silo.Anchor.GetLatestAsync(BlockTag.Latest, silo.Token)).Seq);

        await silo.RestartAsync();
        await silo.RoundsUntilAsync(async () => await silo.StatusAsync(1) == AnchorStatus.Anchored);

        var anchored = (await silo.Settlements.GetSettlementAsync(1, silo.Token))!.Anchor;
        Assert.Equal(recorded.TxHash, anchored.TxHash);
        Assert.Equal(1, crashing.Crashes);
        Assert.Equal(1UL, (await silo.Anchor.GetLatestAsync(BlockTag.Latest, silo.Token)).Seq);

        // The next batch still anchors after the restart, as the contract's second head.
        await silo.CommitRoundAsync();
        await silo.RoundsUntilAsync(async () => await silo.Settlements.GetSettlementAsync(2, silo.Token) is { Anchor.IsOnChain: true });
        var latest = await silo.Anchor.GetLatestAsync(BlockTag.Latest, silo.Token);
        Assert.Equal((2UL, 12UL), (latest.Seq, latest.TreeSize));
    }

    [Fact]
    public async Task A_reorganised_anchor_is_anchored_again()
    {
        await using var silo = await StartAsync(anvil);
        var snapshot = await anvil.Control.SnapshotAsync(silo.Token);
        await silo.CommitRoundAsync();
        await silo.RoundsUntilAsync(async () => await silo.StatusAsync(1) == AnchorStatus.Anchored);
        var before = (await silo.Settlements.GetSettlementAsync(1, silo.Token))!;

        Assert.True(await anvil.Control.RevertAsync(snapshot, silo.Token));
        Assert.Equal(0UL, (await silo.Anchor.GetLatestAsync(BlockTag.Latest, silo.Token)).Seq);

        await silo.RoundAsync();
        Assert.NotEqual(AnchorStatus.Final, await silo.StatusAsync(1));
        await silo.RoundsUntilAsync(async () => await silo.StatusAsync(1) == AnchorStatus.Anchored);

        var after = (await silo.Settlements.GetSettlementAsync(1, silo.Token))!;
        Assert.Equal(before.Anchor.TxHash, after.Anchor.TxHash);
        var onChain = await silo.Anchor.GetAnchorAsync(1, BlockTag.Latest, silo.Token);
        Assert.Equal((before.TreeSize, Hash32.FromBytes(before.Root)), (onChain.TreeSize, onChain.Root));
        var receipt = await anvil.Eth.GetTransactionReceiptAsync(Hash32.FromBytes(after.Anchor.TxHash!), silo.Token);
        Assert.Equal(receipt!.BlockHash, Hash32.FromBytes(after.Anchor.BlockHash!));
        await anvil.Control.MineAsync(silo.Confirmations, silo.Token);
        await silo.RoundAsync();
        Assert.Equal(AnchorStatus.Final, await silo.StatusAsync(1));
    }

    [Fact]
    public async Task A_deposed_leader_closes_nothing()
    {
        await using var silo = await StartAsync(anvil);
        await silo.CommitRoundAsync();
        await silo.Store.ReleaseAsync(Leadership.SiloLeaseOptions.LeaseName, Holder, silo.Token);
        Assert.NotNull(await silo.Store.TryAcquireAsync(Leadership.SiloLeaseOptions.LeaseName, "other", TimeSpan.FromMinutes(1), silo.Token));

        var refused = await Assert.ThrowsAsync<SettlementWriteRefusedException>(silo.RoundAsync);

        Assert.Equal(SettlementWrite.NotLeader, refused.Outcome);
        Assert.Null(await silo.Settlements.GetLastSettlementAsync(silo.Token));
    }

    [Fact]
    public async Task Without_a_chain_batches_close_and_stay_pending()
    {
        await using var silo = await StartAsync(anvil);
        silo.Source.Current = null;
        await silo.CommitRoundAsync();
        await silo.RoundAsync();
        await silo.CommitRoundAsync();
        await silo.RoundAsync();

        var settlements = await silo.Settlements.ListSettlementsAsync(0, 10, silo.Token);
        Assert.Equal([(0UL, 6UL), (6UL, 12UL)], settlements.Select(static s => (s.FirstLogIndex, s.TreeSize)));
        Assert.All(settlements, static s => Assert.Equal(AnchorStatus.Pending, s.Anchor.Status));

        // A chain that appears later anchors them in order.
        silo.Source.Current = silo.Chain;
        await silo.RoundsUntilAsync(async () => await silo.StatusAsync(2) == AnchorStatus.Anchored);
        Assert.Equal(2UL, (await silo.Anchor.GetLatestAsync(BlockTag.Latest, silo.Token)).Seq);
    }

    [Fact]
    public async Task The_leader_only_service_settles_and_anchors_on_its_own()
    {
        await using var silo = await StartAsync(anvil);
        await silo.Store.ReleaseAsync(Leadership.SiloLeaseOptions.LeaseName, Holder, silo.Token);
        var election = new Leadership.LeaderElection(
            silo.Store, new Leadership.SiloLeaseOptions { Holder = "service", Duration = TimeSpan.FromSeconds(3) }, Microsoft.Extensions.Logging.Abstractions.NullLogger<Leadership.LeaderElection>.Instance);
        using var pipeline = new SettlementPipeline(
            election, silo.Store, silo.Source, new SettlementOptions { Interval = TimeSpan.FromMilliseconds(100) }, TimeProvider.System,
            Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance);
        await election.StartAsync(silo.Token);
        await pipeline.StartAsync(silo.Token);
        try
        {
            await silo.CommitRoundAsync();

            // Bounded by time, not by a count of looks: on a loaded machine the service's rounds, and anvil's
            // block with the anchor, come late.
            await ChainWait.UntilAsync(
                async () => await silo.Settlements.GetSettlementAsync(1, silo.Token) is { Anchor.IsOnChain: true },
                "the service to anchor settlement 1 on chain",
                silo.Token,
                poll: TimeSpan.FromMilliseconds(100));

            Assert.Equal(BigInteger.Zero, (await silo.Settlements.GetSettlementAsync(1, silo.Token))!.NetPositions.Aggregate(BigInteger.Zero, static (sum, p) => sum + p.Net));
        }
        finally
        {
            await pipeline.StopAsync(CancellationToken.None);
            await election.StopAsync(CancellationToken.None);
            election.Dispose();
        }
    }
}

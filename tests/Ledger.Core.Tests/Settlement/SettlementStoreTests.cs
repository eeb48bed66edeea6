using Ledger.Core.Cluster;
using Ledger.Core.Merkle;
using Ledger.Core.Settlement;
using Ledger.Core.Storage;
using Ledger.Core.Tests.Infrastructure;
using static Ledger.Core.Tests.Infrastructure.Build;

namespace Ledger.Core.Tests.Settlement;

public sealed class SqliteSettlementStoreTests(SqliteStoreFixture fixture) : SettlementStoreTests<SqliteStoreFixture>(fixture);

public sealed class PostgresSettlementStoreTests(PostgresStoreFixture fixture) : SettlementStoreTests<PostgresStoreFixture>(fixture);

/// <summary>
/// The settlement store's rules on every store: batches close only next in line and within the log, only
/// under the running lease epoch, with their positions; anchors move by compare-and-set.
/// </summary>
public abstract class SettlementStoreTests<TFixture>(TFixture fixture) : LedgerTestBase<TFixture>(fixture)
    where TFixture : class, ILedgerStoreFixture
{
    private const string Lease = "silo";
    private static readonly UInt128 BankA = 0xA1, BankB = 0xB2;

    private ISettlementStore Settlements => (ISettlementStore)Ledger.Store;

    private ILeaseStore Leases => (ILeaseStore)Ledger.Store;

    [Fact]
    public async Task A_batch_closes_next_in_line_with_its_positions_and_reads_back_exactly()
    {
        var fence = await LeadAsync("a");
        await CommitRoundAsync(1, 3);
        var draft = await DraftAsync(1, 0, 3);

        Assert.Equal(SettlementWrite.Applied, await Settlements.TryCloseSettlementAsync(draft, fence, Ledger.Token));

        var stored = await Settlements.GetSettlementAsync(1, Ledger.Token);
        Assert.NotNull(stored);
        Assert.Equal((1UL, 0UL, 3UL, draft.ClosedAt), (stored.Seq, stored.FirstLogIndex, stored.TreeSize, stored.ClosedAt));
        Assert.Equal(draft.Root, stored.Root);
        Assert.Equal(draft.NetPositions, stored.NetPositions);
        Assert.Equal([new NetPosition(BankA, 1, -60), new NetPosition(BankB, 1, 60)], stored.NetPositions);
        Assert.Equal((AnchorStatus.Pending, fence.Epoch), (stored.Anchor.Status, stored.Anchor.Epoch));
        Assert.Null(stored.Anchor.TxHash);
    }

    [Fact]
    public async Task A_batch_out_of_line_or_beyond_the_log_is_a_conflict_and_changes_nothing()
    {
        var fence = await LeadAsync("a");
        await CommitRoundAsync(1, 4);

        Assert.Equal(SettlementWrite.Conflict, await Settlements.TryCloseSettlementAsync(await DraftAsync(2, 0, 2), fence, Ledger.Token));
        Assert.Equal(SettlementWrite.Conflict, await Settlements.TryCloseSettlementAsync(await DraftAsync(1, 1, 2), fence, Ledger.Token));
        Assert.Equal(SettlementWrite.Conflict, await Settlements.TryCloseSettlementAsync(Draft(1, 0, 5), fence, Ledger.Token));
        Assert.Null(await Settlements.GetLastSettlementAsync(Ledger.Token));

        Assert.Equal(SettlementWrite.Applied, await Settlements.TryCloseSettlementAsync(await DraftAsync(1, 0, 2), fence, Ledger.Token));
        Assert.Equal(SettlementWrite.Conflict, await Settlements.TryCloseSettlementAsync(await DraftAsync(1, 0, 2), fence, Ledger.Token));
        Assert.Equal(SettlementWrite.Conflict, await Settlements.TryCloseSettlementAsync(await DraftAsync(2, 1, 4), fence, Ledger.Token));
        Assert.Equal(SettlementWrite.Applied, await Settlements.TryCloseSettlementAsync(await DraftAsync(2, 2, 4), fence, Ledger.Token));
        Assert.Equal([1UL, 2UL], (await Settlements.ListSettlementsAsync(0, 10, Ledger.Token)).Select(static s => s.Seq));
    }

    [Fact]
    public async Task A_deposed_leader_cannot_close_a_batch_or_move_an_anchor()
    {
        var old = await LeadAsync("a");
        await CommitRoundAsync(1, 2);
        Assert.Equal(SettlementWrite.Applied, await Settlements.TryCloseSettlementAsync(await DraftAsync(1, 0, 2), old, Ledger.Token));

        await Leases.ReleaseAsync(Lease, "a", Ledger.Token);
        var current = await LeadAsync("b");
        Assert.NotEqual(old.Epoch, current.Epoch);
        await CommitRoundAsync(10, 2);

        Assert.Equal(SettlementWrite.NotLeader, await Settlements.TryCloseSettlementAsync(await DraftAsync(2, 2, 4), old, Ledger.Token));
        Assert.Equal(SettlementWrite.NotLeader, await Settlements.RecordAnchorSubmittedAsync(1, null, Signed(1), old, Ledger.Token));
        Assert.Equal(1UL, (await Settlements.GetLastSettlementAsync(Ledger.Token))!.Seq);
        Assert.Equal(AnchorStatus.Pending, (await Settlements.GetSettlementAsync(1, Ledger.Token))!.Anchor.Status);

        Assert.Equal(SettlementWrite.Applied, await Settlements.TryCloseSettlementAsync(await DraftAsync(2, 2, 4), current, Ledger.Token));
        Assert.Equal(current.Epoch, (await Settlements.GetSettlementAsync(2, Ledger.Token))!.Anchor.Epoch);
    }

    [Fact]
    public async Task A_lapsed_lease_fences_out_its_own_holder()
    {
        var grant = await Leases.TryAcquireAsync(Lease, "a", TimeSpan.FromMilliseconds(200), Ledger.Token);
        await CommitRoundAsync(1, 2);
        var draft = await DraftAsync(1, 0, 2);
        await Task.Delay(TimeSpan.FromMilliseconds(600), Ledger.Token);

        Assert.Equal(SettlementWrite.NotLeader, await Settlements.TryCloseSettlementAsync(draft, new SettlementFence(Lease, grant!.Epoch), Ledger.Token));
    }

    [Fact]
    public async Task The_anchor_moves_pending_submitted_anchored_final_by_compare_and_set()
    {
        var fence = await LeadAsync("a");
        await CommitRoundAsync(1, 2);
        await Settlements.TryCloseSettlementAsync(await DraftAsync(1, 0, 2), fence, Ledger.Token);
        var first = Signed(1);
        var second = Signed(2);

        Assert.Equal(SettlementWrite.Conflict, await Settlements.RecordAnchorSubmittedAsync(1, second.TxHash, first, fence, Ledger.Token));
        Assert.Equal(SettlementWrite.Applied, await Settlements.RecordAnchorSubmittedAsync(1, null, first, fence, Ledger.Token));
        Assert.Equal(SettlementWrite.Conflict, await Settlements.RecordAnchorSubmittedAsync(1, null, second, fence, Ledger.Token));
        var submitted = (await Settlements.GetSettlementAsync(1, Ledger.Token))!.Anchor;
        Assert.Equal((AnchorStatus.Submitted, 1UL), (submitted.Status, submitted.Nonce));
        Assert.Equal(first.TxHash, submitted.TxHash);
        Assert.Equal(first.RawTx, submitted.RawTx);

        // A displaced transaction is replaced by a newly signed one, still submitted.
        Assert.Equal(SettlementWrite.Applied, await Settlements.RecordAnchorSubmittedAsync(1, first.TxHash, second, fence, Ledger.Token));
        Assert.Equal(SettlementWrite.Conflict, await Settlements.RecordAnchorFinalAsync(1, second.TxHash, fence, Ledger.Token));

        var inclusion = new AnchorInclusion(second.TxHash, 17, Bytes(32, 0x17), 1);
        Assert.Equal(SettlementWrite.Conflict, await Settlements.RecordAnchorIncludedAsync(1, first.TxHash, inclusion, fence, Ledger.Token));
        Assert.Equal(SettlementWrite.Applied, await Settlements.RecordAnchorIncludedAsync(1, second.TxHash, inclusion, fence, Ledger.Token));
        var anchored = (await Settlements.GetSettlementAsync(1, Ledger.Token))!.Anchor;
        Assert.Equal((AnchorStatus.Anchored, 17UL, 1UL), (anchored.Status, anchored.BlockNumber, anchored.ChainSeq));
        Assert.Equal(inclusion.BlockHash, anchored.BlockHash);
        Assert.Equal(1UL, (await Settlements.GetLatestAnchoredSettlementAsync(Ledger.Token))!.Seq);

        // A reorganisation takes it back to submitted with the same transaction, its block forgotten.
        Assert.Equal(SettlementWrite.Applied, await Settlements.RecordAnchorReorganisedAsync(1, second.TxHash, fence, Ledger.Token));
        var reorganised = (await Settlements.GetSettlementAsync(1, Ledger.Token))!.Anchor;
        Assert.Equal((AnchorStatus.Submitted, (ulong?)null), (reorganised.Status, reorganised.BlockNumber));
        Assert.Equal(second.RawTx, reorganised.RawTx);
        Assert.Null(await Settlements.GetLatestAnchoredSettlementAsync(Ledger.Token));

        Assert.Equal(SettlementWrite.Applied, await Settlements.RecordAnchorIncludedAsync(1, second.TxHash, inclusion with { BlockNumber = 18 }, fence, Ledger.Token));
        Assert.Equal(SettlementWrite.Applied, await Settlements.RecordAnchorFinalAsync(1, second.TxHash, fence, Ledger.Token));
        Assert.Equal(SettlementWrite.Conflict, await Settlements.RecordAnchorReorganisedAsync(1, second.TxHash, fence, Ledger.Token));
        Assert.Equal(AnchorStatus.Final, (await Settlements.GetSettlementAsync(1, Ledger.Token))!.Anchor.Status);
        Assert.Equal(1UL, (await Settlements.GetLatestFinalSettlementAsync(Ledger.Token))!.Seq);
        Assert.Empty(await Settlements.ListUnfinalSettlementsAsync(10, Ledger.Token));
    }

    [Fact]
    public async Task A_head_found_on_chain_under_another_transaction_is_recorded_with_that_transaction()
    {
        var fence = await LeadAsync("a");
        await CommitRoundAsync(1, 2);
        await Settlements.TryCloseSettlementAsync(await DraftAsync(1, 0, 2), fence, Ledger.Token);
        var found = new AnchorInclusion(Bytes(32, 0x99), 5, Bytes(32, 0x55), 1);

        Assert.Equal(SettlementWrite.Applied, await Settlements.RecordAnchorIncludedAsync(1, null, found, fence, Ledger.Token));

        var anchor = (await Settlements.GetSettlementAsync(1, Ledger.Token))!.Anchor;
        Assert.Equal(AnchorStatus.Anchored, anchor.Status);
        Assert.Equal(found.TxHash, anchor.TxHash);
        Assert.Null(anchor.RawTx);
    }

    [Fact]
    public async Task Log_indexes_map_to_their_batch_and_owned_transfers_page_in_log_order()
    {
        var fence = await LeadAsync("a");
        await CommitRoundAsync(1, 3);
        await CommitRoundAsync(10, 2);
        await Settlements.TryCloseSettlementAsync(await DraftAsync(1, 0, 3), fence, Ledger.Token);
        await Settlements.TryCloseSettlementAsync(await DraftAsync(2, 3, 5), fence, Ledger.Token);

        Assert.Equal(1UL, (await Settlements.FindSettlementOfLogIndexAsync(0, Ledger.Token))!.Seq);
        Assert.Equal(1UL, (await Settlements.FindSettlementOfLogIndexAsync(2, Ledger.Token))!.Seq);
        Assert.Equal(2UL, (await Settlements.FindSettlementOfLogIndexAsync(3, Ledger.Token))!.Seq);
        Assert.Null(await Settlements.FindSettlementOfLogIndexAsync(5, Ledger.Token));

        var page = await Settlements.GetOwnedTransfersAsync(1, 5, 2, Ledger.Token);
        Assert.Equal([1UL, 2UL], page.Select(static t => t.LogIndex));
        Assert.All(page, static t => Assert.Equal((BankA, BankB), (t.DebitOwnerId, t.CreditOwnerId)));
        Assert.Empty(await Settlements.GetOwnedTransfersAsync(5, 9, 10, Ledger.Token));
        Assert.Equal([2UL], (await Settlements.ListSettlementsAsync(1, 10, Ledger.Token)).Select(static s => s.Seq));
        Assert.Equal(2UL, (await Settlements.GetLastSettlementAsync(Ledger.Token))!.Seq);
    }

    private async Task<SettlementFence> LeadAsync(string holder)
    {
        var grant = await Leases.TryAcquireAsync(Lease, holder, TimeSpan.FromMinutes(1), Ledger.Token);
        Assert.NotNull(grant);
        return new SettlementFence(Lease, grant.Epoch);
    }

    /// <summary>Bank A's account 1 pays bank B's account 2 twenty, <paramref name="count"/> times; accounts are made on first use.</summary>
    private async Task CommitRoundAsync(ulong firstId, int count)
    {
        if (await Ledger.Store.GetAccountAsync(1, Ledger.Token) is null)
        {
            await Ledger.CreateAccountsCreatedAsync(Account(1, owner: BankA), Account(2, owner: BankB));
        }

        await Ledger.CreatedAsync([.. Enumerable.Range(0, count).Select(i => Transfer(1000 + firstId + (ulong)i, 1, 2, 20))]);
    }

    private async Task<SettlementDraft> DraftAsync(ulong seq, ulong first, ulong treeSize)
    {
        var book = new NetPositionBook(first);
        foreach (var transfer in await Settlements.GetOwnedTransfersAsync(first, treeSize, SettlementLimits.OwnedTransfersPageMax, Ledger.Token))
        {
            book.Add(transfer);
        }

        var root = await new MerkleLog((IMerkleLogStore)Ledger.Store).GetTreeHeadAsync(treeSize, Ledger.Token);
        return new SettlementDraft(seq, first, treeSize, root, ManualClock.DefaultStart.AddTicks(1234567), book.Positions());
    }

    private static SettlementDraft Draft(ulong seq, ulong first, ulong treeSize) =>
        new(seq, first, treeSize, Bytes(32, 1), ManualClock.DefaultStart, []);

    private static SignedAnchor Signed(ulong nonce) => new(Bytes(32, (byte)nonce), Bytes(110, (byte)(nonce + 100)), nonce);

    private static byte[] Bytes(int length, byte value) => Enumerable.Repeat(value, length).ToArray();
}

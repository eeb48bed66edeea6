using Ledger.Core.Cluster;
using Ledger.Core.Payouts;
using Ledger.Core.Settlement;
using Ledger.Core.Tests.Infrastructure;

namespace Ledger.Core.Tests.Payouts;

public sealed class SqlitePayoutStoreTests(SqliteStoreFixture fixture) : PayoutStoreTests<SqliteStoreFixture>(fixture);

public sealed class PostgresPayoutStoreTests(PostgresStoreFixture fixture) : PayoutStoreTests<PostgresStoreFixture>(fixture);

/// <summary>
/// The payout store's rules on every store: payouts are recorded once; a batch takes only Pending payouts
/// in no batch, all or none; batch status moves by compare-and-set on status and transaction hash, under
/// the running lease epoch only; Final and Failed carry the batch's payouts with them.
/// </summary>
public abstract class PayoutStoreTests<TFixture>(TFixture fixture) : LedgerTestBase<TFixture>(fixture)
    where TFixture : class, ILedgerStoreFixture
{
    private const string Lease = "silo";
    private static readonly DateTimeOffset Start = ManualClock.DefaultStart;

    private IPayoutStore Payouts => (IPayoutStore)Ledger.Store;

    private ILeaseStore Leases => (ILeaseStore)Ledger.Store;

    [Fact]
    public async Task A_payout_reads_back_every_field_and_a_second_add_answers_exists_with_the_stored_one()
    {
        // Largest values in every 128-bit field, a time with ticks below the microsecond and another offset.
        var payout = NewPayout(7) with
        {
            ParticipantId = UInt128.MaxValue,
            AccountId = UInt128.MaxValue - 1,
            ClearingAccountId = (UInt128)1 << 127,
            Ledger = uint.MaxValue,
            Amount = UInt128.MaxValue - 2,
            TokenAmount = UInt128.MaxValue,
            HoldTransferId = UInt128.MaxValue - 3,
            Rail = PayoutRail.Bitcoin,
            CreatedAt = new DateTimeOffset(2025, 3, 4, 5, 6, 7, TimeSpan.FromHours(2)).AddTicks(1234567),
            UpdatedAt = new DateTimeOffset(2025, 3, 4, 5, 6, 8, TimeSpan.Zero).AddTicks(7),
        };

        var (created, returned) = await Payouts.TryAddPayoutAsync(payout, Ledger.Token);
        Assert.Equal(PayoutCreation.Created, created);
        AssertPayout(payout, returned);
        var stored = await Payouts.GetPayoutAsync(7, Ledger.Token);
        Assert.NotNull(stored);
        AssertPayout(payout, stored);

        var (again, existing) = await Payouts.TryAddPayoutAsync(NewPayout(7) with { Amount = 1 }, Ledger.Token);
        Assert.Equal(PayoutCreation.Exists, again);
        AssertPayout(payout, existing);
        Assert.Null(await Payouts.GetPayoutAsync(8, Ledger.Token));
    }

    [Fact]
    public async Task Pending_payouts_list_oldest_first_without_those_in_a_batch()
    {
        var fence = await LeadAsync("a");
        await AddAsync(3, 1, 2, 4);

        Assert.Equal([1, 2, 3, 4], Ids(await Payouts.ListPendingPayoutsAsync(10, Ledger.Token)));
        Assert.Equal([1, 2], Ids(await Payouts.ListPendingPayoutsAsync(2, Ledger.Token)));

        Assert.Equal((SettlementWrite.Applied, 1UL), await Payouts.TryOpenBatchAsync([2, 4], Start, fence, Ledger.Token));
        Assert.Equal([1, 3], Ids(await Payouts.ListPendingPayoutsAsync(10, Ledger.Token)));
    }

    [Fact]
    public async Task Payouts_list_newest_first_for_everyone_or_for_one_participant_in_any_status()
    {
        var fence = await LeadAsync("a");
        await AddAsync(3, 1, 2);
        var other = NewPayout(4) with { ParticipantId = 0xB2 };
        Assert.Equal(PayoutCreation.Created, (await Payouts.TryAddPayoutAsync(other, Ledger.Token)).Result);
        Assert.Equal((SettlementWrite.Applied, 1UL), await Payouts.TryOpenBatchAsync([2], Start, fence, Ledger.Token));

        Assert.Equal([4, 3, 2, 1], Ids(await Payouts.ListPayoutsAsync(null, 10, Ledger.Token)));
        Assert.Equal([4, 3], Ids(await Payouts.ListPayoutsAsync(null, 2, Ledger.Token)));
        Assert.Equal([3, 2, 1], Ids(await Payouts.ListPayoutsAsync(0xA1, 10, Ledger.Token)));
        Assert.Equal([4], Ids(await Payouts.ListPayoutsAsync(0xB2, 10, Ledger.Token)));
        Assert.Empty(await Payouts.ListPayoutsAsync(0xC3, 10, Ledger.Token));
    }

    [Fact]
    public async Task Only_a_pending_payout_in_no_batch_can_be_failed_outright_and_it_then_never_joins_a_batch()
    {
        var fence = await LeadAsync("a");
        await AddAsync(1, 2);
        Assert.Equal((SettlementWrite.Applied, 1UL), await Payouts.TryOpenBatchAsync([2], Start, fence, Ledger.Token));

        Assert.True(await Payouts.TryFailPendingPayoutAsync(1, "exceeds_credits", Start.AddSeconds(1), Ledger.Token));
        var failed = await Payouts.GetPayoutAsync(1, Ledger.Token);
        Assert.Equal((PayoutStatus.Failed, (ulong?)null, "exceeds_credits", Start.AddSeconds(1).UtcTicks), (failed!.Status, failed.BatchSeq, failed.FailureReason, failed.UpdatedAt.UtcTicks));
        Assert.False(await Payouts.TryFailPendingPayoutAsync(1, "again", Start.AddSeconds(2), Ledger.Token));
        Assert.False(await Payouts.TryFailPendingPayoutAsync(2, "in a batch", Start.AddSeconds(2), Ledger.Token));
        Assert.False(await Payouts.TryFailPendingPayoutAsync(99, "unknown", Start.AddSeconds(2), Ledger.Token));
        Assert.Equal(PayoutStatus.Submitted, (await Payouts.GetPayoutAsync(2, Ledger.Token))!.Status);

        Assert.Empty(await Payouts.ListPendingPayoutsAsync(10, Ledger.Token));
        Assert.Equal(SettlementWrite.Conflict, (await Payouts.TryOpenBatchAsync([1], Start, fence, Ledger.Token)).Result);
    }

    [Fact]
    public async Task Failed_payouts_list_by_update_from_an_inclusive_instant_and_go_on_past_a_given_payout()
    {
        var fence = await LeadAsync("a");
        await AddAsync(1, 2, 3, 4, 5, 6);

        // 4 then 2 fail outright; 6 and 5 fail with their batch at one instant; 1 stays Submitted, 3 Pending.
        Assert.True(await Payouts.TryFailPendingPayoutAsync(4, "exceeds_credits", At(1), Ledger.Token));
        Assert.True(await Payouts.TryFailPendingPayoutAsync(2, "destination_denied", At(2), Ledger.Token));
        Assert.Equal((SettlementWrite.Applied, 1UL), await Payouts.TryOpenBatchAsync([6, 5], Start, fence, Ledger.Token));
        Assert.Equal((SettlementWrite.Applied, 2UL), await Payouts.TryOpenBatchAsync([1], Start, fence, Ledger.Token));
        Assert.Equal(SettlementWrite.Applied, await Payouts.RecordBatchFailedAsync(1, "reverted", At(3), fence, Ledger.Token));

        var all = await Payouts.ListFailedPayoutsAsync(DateTimeOffset.MinValue, null, 10, Ledger.Token);
        Assert.Equal([4, 2, 5, 6], Ids(all));
        Assert.Equal(
            [(PayoutStatus.Failed, null, "exceeds_credits", At(1).UtcTicks), (PayoutStatus.Failed, null, "destination_denied", At(2).UtcTicks), (PayoutStatus.Failed, 1, "reverted", At(3).UtcTicks), (PayoutStatus.Failed, (ulong?)1, "reverted", At(3).UtcTicks)],
            all.Select(static p => (p.Status, p.BatchSeq, p.FailureReason, p.UpdatedAt.UtcTicks)));
        Assert.Equal([4, 2], Ids(await Payouts.ListFailedPayoutsAsync(DateTimeOffset.MinValue, null, 2, Ledger.Token)));

        // The instant is inclusive, compared in UTC whatever its offset.
        Assert.Equal([2, 5, 6], Ids(await Payouts.ListFailedPayoutsAsync(At(2), null, 10, Ledger.Token)));
        Assert.Equal([2, 5, 6], Ids(await Payouts.ListFailedPayoutsAsync(At(2).ToOffset(TimeSpan.FromHours(5)), null, 10, Ledger.Token)));
        Assert.Equal([5, 6], Ids(await Payouts.ListFailedPayoutsAsync(At(2).AddTicks(1), null, 10, Ledger.Token)));
        Assert.Empty(await Payouts.ListFailedPayoutsAsync(At(3).AddTicks(1), null, 10, Ledger.Token));

        // Going on past a payout: the others at its instant come only past its id, later ones all.
        Assert.Equal([6], Ids(await Payouts.ListFailedPayoutsAsync(At(3), 5, 10, Ledger.Token)));
        Assert.Empty(await Payouts.ListFailedPayoutsAsync(At(3), 6, 10, Ledger.Token));
        Assert.Equal([5, 6], Ids(await Payouts.ListFailedPayoutsAsync(At(2), 2, 10, Ledger.Token)));
        Assert.Equal([5], Ids(await Payouts.ListFailedPayoutsAsync(At(2), 2, 1, Ledger.Token)));

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(async () => await Payouts.ListFailedPayoutsAsync(Start, null, 0, Ledger.Token));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(async () => await Payouts.ListFailedPayoutsAsync(Start, null, 1001, Ledger.Token));
    }

    [Fact]
    public async Task A_batch_opens_next_in_line_with_its_payouts_in_order_and_they_become_submitted()
    {
        var fence = await LeadAsync("a");
        await AddAsync(1, 2, 3, 4, 5);
        var at = Start.AddTicks(98765);

        Assert.Equal((SettlementWrite.Applied, 1UL), await Payouts.TryOpenBatchAsync([3, 1, 2], at, fence, Ledger.Token));
        Assert.Equal((SettlementWrite.Applied, 2UL), await Payouts.TryOpenBatchAsync([5], at, fence, Ledger.Token));

        var batch = await Payouts.GetBatchAsync(1, Ledger.Token);
        Assert.NotNull(batch);
        Assert.Equal([(UInt128)3, 1, 2], batch.PayoutIds);
        Assert.Equal((PayoutBatchStatus.Open, 0, fence.Epoch, at, at), (batch.Status, batch.Attempts, batch.Epoch, batch.CreatedAt, batch.UpdatedAt));
        Assert.Equal(TimeSpan.Zero, batch.CreatedAt.Offset);
        Assert.Null(batch.TxHash);
        Assert.Null(batch.RawTx);
        Assert.Null(batch.Nonce);
        Assert.Null(batch.BlockNumber);
        Assert.Null(batch.BlockHash);
        Assert.Null(batch.FailureReason);

        foreach (var id in (UInt128[])[1, 2, 3])
        {
            var payout = (await Payouts.GetPayoutAsync(id, Ledger.Token))!;
            Assert.Equal((PayoutStatus.Submitted, (ulong?)1, at), (payout.Status, payout.BatchSeq, payout.UpdatedAt));
        }

        Assert.Equal((PayoutStatus.Pending, (ulong?)null), await StatusOfAsync(4));
        Assert.Null(await Payouts.GetBatchAsync(3, Ledger.Token));
        Assert.Null(await Payouts.GetBatchAsync(ulong.MaxValue, Ledger.Token));
    }

    [Fact]
    public async Task A_batch_of_payouts_batched_unknown_repeated_or_out_of_range_is_a_conflict_and_changes_nothing()
    {
        var fence = await LeadAsync("a");
        var ids = Enumerable.Range(1, PayoutBatch.PayoutsMax + 2).Select(static i => (UInt128)i).ToArray();
        await AddAsync(ids);
        Assert.Equal((SettlementWrite.Applied, 1UL), await Payouts.TryOpenBatchAsync([1], Start, fence, Ledger.Token));

        Assert.Equal(SettlementWrite.Conflict, (await Payouts.TryOpenBatchAsync([2, 1], Start, fence, Ledger.Token)).Result);
        Assert.Equal(SettlementWrite.Conflict, (await Payouts.TryOpenBatchAsync([2, 9999], Start, fence, Ledger.Token)).Result);
        Assert.Equal(SettlementWrite.Conflict, (await Payouts.TryOpenBatchAsync([], Start, fence, Ledger.Token)).Result);
        Assert.Equal(SettlementWrite.Conflict, (await Payouts.TryOpenBatchAsync([2, 3, 2], Start, fence, Ledger.Token)).Result);
        Assert.Equal(SettlementWrite.Conflict, (await Payouts.TryOpenBatchAsync(ids[1..], Start, fence, Ledger.Token)).Result);

        Assert.Null(await Payouts.GetBatchAsync(2, Ledger.Token));
        Assert.Equal(PayoutBatch.PayoutsMax + 1, (await Payouts.ListPendingPayoutsAsync(1000, Ledger.Token)).Count);
        Assert.Equal((PayoutStatus.Pending, (ulong?)null), await StatusOfAsync(2));

        // The most a batch may hold is fine.
        var (result, seq) = await Payouts.TryOpenBatchAsync(ids[1..^1], Start, fence, Ledger.Token);
        Assert.Equal((SettlementWrite.Applied, 2UL), (result, seq));
        Assert.Equal(ids[1..^1], (await Payouts.GetBatchAsync(2, Ledger.Token))!.PayoutIds);
    }

    [Fact]
    public async Task A_batch_moves_open_signed_included_final_by_compare_and_set_and_its_payouts_are_confirmed()
    {
        var fence = await LeadAsync("a");
        await AddAsync(1, 2);
        await Payouts.TryOpenBatchAsync([1, 2], Start, fence, Ledger.Token);
        var first = Signed(1);
        var second = Signed(2);
        var blockHash = Bytes(32, 0x17);

        // Nothing but Signed moves an Open batch forward.
        Assert.Equal(SettlementWrite.Conflict, await Payouts.RecordBatchIncludedAsync(1, first.TxHash, 17, blockHash, At(1), fence, Ledger.Token));
        Assert.Equal(SettlementWrite.Conflict, await Payouts.RecordBatchFinalAsync(1, first.TxHash, At(1), fence, Ledger.Token));
        Assert.Equal(SettlementWrite.Conflict, await Payouts.RecordBatchReorganisedAsync(1, first.TxHash, At(1), fence, Ledger.Token));
        Assert.Equal(SettlementWrite.Conflict, await Payouts.RecordBatchSignedAsync(1, second.TxHash, first, At(1), fence, Ledger.Token));
        Assert.Equal(SettlementWrite.Conflict, await Payouts.RecordBatchSignedAsync(2, null, first, At(1), fence, Ledger.Token));

        Assert.Equal(SettlementWrite.Applied, await Payouts.RecordBatchSignedAsync(1, null, first, At(2), fence, Ledger.Token));
        var signed = (await Payouts.GetBatchAsync(1, Ledger.Token))!;
        Assert.Equal((PayoutBatchStatus.Signed, (ulong?)1, 1, At(2), Start), (signed.Status, signed.Nonce, signed.Attempts, signed.UpdatedAt, signed.CreatedAt));
        Assert.Equal(first.TxHash, signed.TxHash);
        Assert.Equal(first.RawTx, signed.RawTx);

        // Signed again from Open is refused; a replacement names the hash it replaces.
        Assert.Equal(SettlementWrite.Conflict, await Payouts.RecordBatchSignedAsync(1, null, second, At(3), fence, Ledger.Token));
        Assert.Equal(SettlementWrite.Conflict, await Payouts.RecordBatchSignedAsync(1, second.TxHash, second, At(3), fence, Ledger.Token));
        Assert.Equal(SettlementWrite.Applied, await Payouts.RecordBatchSignedAsync(1, first.TxHash, second, At(3), fence, Ledger.Token));
        var replaced = (await Payouts.GetBatchAsync(1, Ledger.Token))!;
        Assert.Equal((PayoutBatchStatus.Signed, (ulong?)2, 2), (replaced.Status, replaced.Nonce, replaced.Attempts));
        Assert.Equal(second.RawTx, replaced.RawTx);

        Assert.Equal(SettlementWrite.Conflict, await Payouts.RecordBatchFinalAsync(1, second.TxHash, At(4), fence, Ledger.Token));
        Assert.Equal(SettlementWrite.Conflict, await Payouts.RecordBatchIncludedAsync(1, first.TxHash, 17, blockHash, At(4), fence, Ledger.Token));
        Assert.Equal(SettlementWrite.Applied, await Payouts.RecordBatchIncludedAsync(1, second.TxHash, 17, blockHash, At(4), fence, Ledger.Token));
        var included = (await Payouts.GetBatchAsync(1, Ledger.Token))!;
        Assert.Equal((PayoutBatchStatus.Included, (ulong?)17), (included.Status, included.BlockNumber));
        Assert.Equal(blockHash, included.BlockHash);
        Assert.Equal(SettlementWrite.Conflict, await Payouts.RecordBatchIncludedAsync(1, second.TxHash, 18, blockHash, At(4), fence, Ledger.Token));
        Assert.Equal(SettlementWrite.Conflict, await Payouts.RecordBatchSignedAsync(1, second.TxHash, first, At(4), fence, Ledger.Token));

        // A reorganisation takes it back to Signed with the same transaction, its block forgotten.
        Assert.Equal(SettlementWrite.Conflict, await Payouts.RecordBatchReorganisedAsync(1, first.TxHash, At(5), fence, Ledger.Token));
        Assert.Equal(SettlementWrite.Applied, await Payouts.RecordBatchReorganisedAsync(1, second.TxHash, At(5), fence, Ledger.Token));
        var reorganised = (await Payouts.GetBatchAsync(1, Ledger.Token))!;
        Assert.Equal((PayoutBatchStatus.Signed, (ulong?)null, (byte[]?)null, 2), (reorganised.Status, reorganised.BlockNumber, reorganised.BlockHash, reorganised.Attempts));
        Assert.Equal(second.RawTx, reorganised.RawTx);
        Assert.Equal(SettlementWrite.Conflict, await Payouts.RecordBatchReorganisedAsync(1, second.TxHash, At(5), fence, Ledger.Token));

        Assert.Equal(SettlementWrite.Applied, await Payouts.RecordBatchIncludedAsync(1, second.TxHash, 18, blockHash, At(6), fence, Ledger.Token));
        Assert.Equal(SettlementWrite.Conflict, await Payouts.RecordBatchFinalAsync(1, first.TxHash, At(7), fence, Ledger.Token));
        Assert.Equal((PayoutStatus.Submitted, (ulong?)1), await StatusOfAsync(1));
        Assert.Equal(SettlementWrite.Applied, await Payouts.RecordBatchFinalAsync(1, second.TxHash, At(7), fence, Ledger.Token));

        var final = (await Payouts.GetBatchAsync(1, Ledger.Token))!;
        Assert.Equal((PayoutBatchStatus.Final, (ulong?)18, At(7)), (final.Status, final.BlockNumber, final.UpdatedAt));
        foreach (var id in (UInt128[])[1, 2])
        {
            var payout = (await Payouts.GetPayoutAsync(id, Ledger.Token))!;
            Assert.Equal((PayoutStatus.Confirmed, (ulong?)1, (string?)null, At(7)), (payout.Status, payout.BatchSeq, payout.FailureReason, payout.UpdatedAt));
        }

        // Final is the end: nothing moves it, not even Failed.
        Assert.Equal(SettlementWrite.Conflict, await Payouts.RecordBatchFinalAsync(1, second.TxHash, At(8), fence, Ledger.Token));
        Assert.Equal(SettlementWrite.Conflict, await Payouts.RecordBatchReorganisedAsync(1, second.TxHash, At(8), fence, Ledger.Token));
        Assert.Equal(SettlementWrite.Conflict, await Payouts.RecordBatchFailedAsync(1, "late", At(8), fence, Ledger.Token));
        Assert.Equal(SettlementWrite.Conflict, await Payouts.RecordBatchSignedAsync(1, second.TxHash, first, At(8), fence, Ledger.Token));
        Assert.Equal(PayoutStatus.Confirmed, (await StatusOfAsync(1)).Status);
        Assert.Empty(await Payouts.ListOpenBatchesAsync(10, Ledger.Token));
    }

    [Theory]
    [InlineData(PayoutBatchStatus.Open)]
    [InlineData(PayoutBatchStatus.Signed)]
    [InlineData(PayoutBatchStatus.Included)]
    public async Task A_batch_fails_from_open_signed_or_included_and_its_payouts_fail_with_the_reason(PayoutBatchStatus from)
    {
        var fence = await LeadAsync("a");
        await AddAsync(1, 2, 3);
        await Payouts.TryOpenBatchAsync([2, 1], Start, fence, Ledger.Token);
        var tx = Signed(1);
        if (from >= PayoutBatchStatus.Signed)
        {
            Assert.Equal(SettlementWrite.Applied, await Payouts.RecordBatchSignedAsync(1, null, tx, At(1), fence, Ledger.Token));
        }

        if (from >= PayoutBatchStatus.Included)
        {
            Assert.Equal(SettlementWrite.Applied, await Payouts.RecordBatchIncludedAsync(1, tx.TxHash, 5, Bytes(32, 5), At(2), fence, Ledger.Token));
        }

        Assert.Equal(SettlementWrite.Applied, await Payouts.RecordBatchFailedAsync(1, "reverted", At(3), fence, Ledger.Token));

        var failed = (await Payouts.GetBatchAsync(1, Ledger.Token))!;
        Assert.Equal((PayoutBatchStatus.Failed, "reverted", At(3), (ulong?)null), (failed.Status, failed.FailureReason, failed.UpdatedAt, failed.BlockNumber));
        Assert.Equal([(UInt128)2, 1], failed.PayoutIds);
        foreach (var id in (UInt128[])[1, 2])
        {
            var payout = (await Payouts.GetPayoutAsync(id, Ledger.Token))!;
            Assert.Equal((PayoutStatus.Failed, (ulong?)1, "reverted", At(3)), (payout.Status, payout.BatchSeq, payout.FailureReason, payout.UpdatedAt));
        }

        Assert.Equal((PayoutStatus.Pending, (ulong?)null), await StatusOfAsync(3));

        // Failed is the end too, and its payouts cannot go into another batch.
        Assert.Equal(SettlementWrite.Conflict, await Payouts.RecordBatchFailedAsync(1, "again", At(4), fence, Ledger.Token));
        Assert.Equal(SettlementWrite.Conflict, await Payouts.RecordBatchSignedAsync(1, null, tx, At(4), fence, Ledger.Token));
        Assert.Equal(SettlementWrite.Conflict, await Payouts.RecordBatchSignedAsync(1, tx.TxHash, Signed(2), At(4), fence, Ledger.Token));
        Assert.Equal(SettlementWrite.Conflict, await Payouts.RecordBatchIncludedAsync(1, tx.TxHash, 5, Bytes(32, 5), At(4), fence, Ledger.Token));
        Assert.Equal(SettlementWrite.Conflict, await Payouts.RecordBatchFinalAsync(1, tx.TxHash, At(4), fence, Ledger.Token));
        Assert.Equal(SettlementWrite.Conflict, (await Payouts.TryOpenBatchAsync([1], At(4), fence, Ledger.Token)).Result);
        Assert.Equal("reverted", (await Payouts.GetBatchAsync(1, Ledger.Token))!.FailureReason);
        Assert.Equal(SettlementWrite.Conflict, await Payouts.RecordBatchFailedAsync(9, "unknown", At(4), fence, Ledger.Token));
    }

    [Fact]
    public async Task Open_batches_list_oldest_first_without_final_or_failed_ones()
    {
        var fence = await LeadAsync("a");
        await AddAsync(1, 2, 3, 4);
        foreach (var id in (UInt128[])[1, 2, 3, 4])
        {
            await Payouts.TryOpenBatchAsync([id], Start, fence, Ledger.Token);
        }

        var tx = Signed(1);
        await Payouts.RecordBatchSignedAsync(1, null, tx, At(1), fence, Ledger.Token);
        await Payouts.RecordBatchIncludedAsync(1, tx.TxHash, 3, Bytes(32, 3), At(1), fence, Ledger.Token);
        Assert.Equal(SettlementWrite.Applied, await Payouts.RecordBatchFinalAsync(1, tx.TxHash, At(2), fence, Ledger.Token));
        Assert.Equal(SettlementWrite.Applied, await Payouts.RecordBatchFailedAsync(3, "dropped", At(2), fence, Ledger.Token));
        await Payouts.RecordBatchSignedAsync(4, null, Signed(4), At(1), fence, Ledger.Token);

        var open = await Payouts.ListOpenBatchesAsync(10, Ledger.Token);
        Assert.Equal([2UL, 4UL], open.Select(static b => b.Seq));
        Assert.Equal([[(UInt128)2], [(UInt128)4]], open.Select(static b => b.PayoutIds.ToArray()));
        Assert.Equal([2UL], (await Payouts.ListOpenBatchesAsync(1, Ledger.Token)).Select(static b => b.Seq));
    }

    [Fact]
    public async Task A_lapsed_lease_fences_out_its_own_holder()
    {
        var live = await LeadAsync("a");
        await AddAsync(1, 2);
        await Payouts.TryOpenBatchAsync([1], Start, live, Ledger.Token);
        await Leases.ReleaseAsync(Lease, "a", Ledger.Token);

        var grant = await Leases.TryAcquireAsync(Lease, "a", TimeSpan.FromMilliseconds(200), Ledger.Token);
        var lapsed = new SettlementFence(Lease, grant!.Epoch);
        await Task.Delay(TimeSpan.FromMilliseconds(600), Ledger.Token);

        Assert.Equal((SettlementWrite.NotLeader, 0UL), await Payouts.TryOpenBatchAsync([2], Start, lapsed, Ledger.Token));
        Assert.Equal(SettlementWrite.NotLeader, await Payouts.RecordBatchSignedAsync(1, null, Signed(1), At(1), lapsed, Ledger.Token));
        Assert.Equal(SettlementWrite.NotLeader, await Payouts.RecordBatchFailedAsync(1, "x", At(1), lapsed, Ledger.Token));
        Assert.Equal((PayoutStatus.Pending, (ulong?)null), await StatusOfAsync(2));
        Assert.Equal(PayoutBatchStatus.Open, (await Payouts.GetBatchAsync(1, Ledger.Token))!.Status);
    }

    [Fact]
    public async Task A_deposed_leader_changes_nothing_and_the_epoch_column_records_the_writer()
    {
        var old = await LeadAsync("a");
        await AddAsync(1, 2, 3);
        await Payouts.TryOpenBatchAsync([1], Start, old, Ledger.Token);
        var tx = Signed(1);
        Assert.Equal(SettlementWrite.Applied, await Payouts.RecordBatchSignedAsync(1, null, tx, At(1), old, Ledger.Token));

        await Leases.ReleaseAsync(Lease, "a", Ledger.Token);
        var current = await LeadAsync("b");
        Assert.NotEqual(old.Epoch, current.Epoch);

        Assert.Equal((SettlementWrite.NotLeader, 0UL), await Payouts.TryOpenBatchAsync([2], Start, old, Ledger.Token));
        Assert.Equal(SettlementWrite.NotLeader, await Payouts.RecordBatchSignedAsync(1, tx.TxHash, Signed(2), At(2), old, Ledger.Token));
        Assert.Equal(SettlementWrite.NotLeader, await Payouts.RecordBatchIncludedAsync(1, tx.TxHash, 9, Bytes(32, 9), At(2), old, Ledger.Token));
        Assert.Equal(SettlementWrite.NotLeader, await Payouts.RecordBatchFailedAsync(1, "x", At(2), old, Ledger.Token));
        var unchanged = (await Payouts.GetBatchAsync(1, Ledger.Token))!;
        Assert.Equal((PayoutBatchStatus.Signed, old.Epoch, 1, At(1)), (unchanged.Status, unchanged.Epoch, unchanged.Attempts, unchanged.UpdatedAt));
        Assert.Equal((PayoutStatus.Pending, (ulong?)null), await StatusOfAsync(2));

        Assert.Equal(SettlementWrite.Applied, await Payouts.RecordBatchIncludedAsync(1, tx.TxHash, 9, Bytes(32, 9), At(3), current, Ledger.Token));
        Assert.Equal(current.Epoch, (await Payouts.GetBatchAsync(1, Ledger.Token))!.Epoch);
        Assert.Equal(SettlementWrite.NotLeader, await Payouts.RecordBatchReorganisedAsync(1, tx.TxHash, At(4), old, Ledger.Token));
        Assert.Equal(SettlementWrite.NotLeader, await Payouts.RecordBatchFinalAsync(1, tx.TxHash, At(4), old, Ledger.Token));
        Assert.Equal(PayoutBatchStatus.Included, (await Payouts.GetBatchAsync(1, Ledger.Token))!.Status);
        Assert.Equal((SettlementWrite.Applied, 2UL), await Payouts.TryOpenBatchAsync([2], Start, current, Ledger.Token));
        Assert.Equal(current.Epoch, (await Payouts.GetBatchAsync(2, Ledger.Token))!.Epoch);
    }

    [Fact]
    public async Task The_deny_list_adds_replaces_finds_lists_by_address_and_removes()
    {
        var high = Bytes(20, 0xF0);
        var low = Bytes(20, 0x01);
        Assert.Empty(await Payouts.ListDeniedAddressesAsync(Ledger.Token));
        Assert.Null(await Payouts.FindDeniedAddressAsync(high, Ledger.Token));
        Assert.False(await Payouts.AllowAddressAsync(high, Ledger.Token));

        await Payouts.DenyAddressAsync(new DeniedAddress(high, "sanctioned", "ofac.csv", At(1)), Ledger.Token);
        await Payouts.DenyAddressAsync(new DeniedAddress(low, "fraud", "api", At(2)), Ledger.Token);
        AssertDenied(new DeniedAddress(high, "sanctioned", "ofac.csv", At(1)), await Payouts.FindDeniedAddressAsync(high, Ledger.Token));

        var replacement = new DeniedAddress(high, "sanctioned, updated", "api", new DateTimeOffset(2025, 2, 2, 0, 0, 0, TimeSpan.FromHours(-5)).AddTicks(3));
        await Payouts.DenyAddressAsync(replacement, Ledger.Token);
        AssertDenied(replacement, await Payouts.FindDeniedAddressAsync(high, Ledger.Token));

        var listed = await Payouts.ListDeniedAddressesAsync(Ledger.Token);
        Assert.Equal([low, high], listed.Select(static d => d.Address));
        AssertDenied(replacement, listed[1]);

        Assert.True(await Payouts.AllowAddressAsync(high, Ledger.Token));
        Assert.False(await Payouts.AllowAddressAsync(high, Ledger.Token));
        Assert.Null(await Payouts.FindDeniedAddressAsync(high, Ledger.Token));
        Assert.Equal([low], (await Payouts.ListDeniedAddressesAsync(Ledger.Token)).Select(static d => d.Address));
    }

    [Fact]
    public async Task Two_leaders_racing_only_the_current_epoch_writes()
    {
        var old = await LeadAsync("a");
        var ids = Enumerable.Range(1, 32).Select(static i => (UInt128)i).ToArray();
        await AddAsync(ids);
        await Payouts.TryOpenBatchAsync([ids[0]], Start, old, Ledger.Token);
        await Leases.ReleaseAsync(Lease, "a", Ledger.Token);
        var current = await LeadAsync("b");

        // Each leader tries to open a batch of each remaining payout, at the same time; the deposed one
        // also tries to move batch 1 on.
        var attempts = ids[1..].SelectMany(id => new[]
        {
            Task.Run(async () => (Old: true, Result: (await Payouts.TryOpenBatchAsync([id], Start, old, Ledger.Token)).Result)),
            Task.Run(async () => (Old: false, Result: (await Payouts.TryOpenBatchAsync([id], Start, current, Ledger.Token)).Result)),
            Task.Run(async () => (Old: true, Result: await Payouts.RecordBatchFailedAsync(1, "deposed", At(1), old, Ledger.Token))),
        }).ToArray();
        var results = await Task.WhenAll(attempts);

        Assert.All(results.Where(static r => r.Old), static r => Assert.Equal(SettlementWrite.NotLeader, r.Result));
        Assert.All(results.Where(static r => !r.Old), static r => Assert.Equal(SettlementWrite.Applied, r.Result));
        Assert.Equal(PayoutBatchStatus.Open, (await Payouts.GetBatchAsync(1, Ledger.Token))!.Status);
        var open = await Payouts.ListOpenBatchesAsync(100, Ledger.Token);
        Assert.Equal(ids.Length, open.Count);
        Assert.All(open.Where(static b => b.Seq > 1), b => Assert.Equal(current.Epoch, b.Epoch));
        Assert.Equal(Enumerable.Range(1, ids.Length).Select(static i => (ulong)i), open.Select(static b => b.Seq));
    }

    [Fact]
    public async Task Concurrent_batches_over_overlapping_payouts_put_each_payout_in_exactly_one_batch()
    {
        var fence = await LeadAsync("a");
        var ids = Enumerable.Range(1, 40).Select(static i => (UInt128)i).ToArray();
        await AddAsync(ids);

        // Eight openers over windows that overlap their neighbours by half; one of them takes every
        // payout on its own.
        var windows = Enumerable.Range(0, 8).Select(w => ids.Skip(w * 5).Take(10).ToArray()).ToList();
        windows[7] = ids;
        var results = await Task.WhenAll(windows.Select(window => Task.Run(async () => await Payouts.TryOpenBatchAsync(window, Start, fence, Ledger.Token))));

        Assert.All(results, static r => Assert.NotEqual(SettlementWrite.NotLeader, r.Result));
        var applied = results.Where(static r => r.Result == SettlementWrite.Applied).ToArray();
        Assert.NotEmpty(applied);
        Assert.Equal(applied.Length, applied.Select(static r => r.Seq).Distinct().Count());
        Assert.Equal(Enumerable.Range(1, applied.Length).Select(static i => (ulong)i), applied.Select(static r => r.Seq).Order());

        var owner = new Dictionary<UInt128, ulong>();
        foreach (var batch in await Payouts.ListOpenBatchesAsync(100, Ledger.Token))
        {
            foreach (var id in batch.PayoutIds)
            {
                Assert.True(owner.TryAdd(id, batch.Seq), $"payout {id} is in batches {owner.GetValueOrDefault(id)} and {batch.Seq}");
            }
        }

        foreach (var id in ids)
        {
            var (status, batchSeq) = await StatusOfAsync(id);
            if (owner.TryGetValue(id, out var seq))
            {
                Assert.Equal((PayoutStatus.Submitted, (ulong?)seq), (status, batchSeq));
            }
            else
            {
                Assert.Equal((PayoutStatus.Pending, (ulong?)null), (status, batchSeq));
            }
        }

        Assert.Equal(ids.Length - owner.Count, (await Payouts.ListPendingPayoutsAsync(100, Ledger.Token)).Count);
    }

    private static Payout NewPayout(UInt128 id) => new(
        id,
        0xA1,
        1,
        2,
        1,
        (id * 100) + 5,
        (id * 1_000_000) + 7,
        PayoutRail.Erc20,
        Bytes(20, (byte)id),
        id + 0x1_0000,
        PayoutStatus.Pending,
        null,
        null,
        Start.AddTicks((long)id),
        Start.AddTicks((long)id));

    private static void AssertPayout(Payout expected, Payout actual)
    {
        Assert.Equal(
            (expected.Id, expected.ParticipantId, expected.AccountId, expected.ClearingAccountId, expected.Ledger, expected.Amount, expected.TokenAmount, expected.Rail),
            (actual.Id, actual.ParticipantId, actual.AccountId, actual.ClearingAccountId, actual.Ledger, actual.Amount, actual.TokenAmount, actual.Rail));
        Assert.Equal(expected.Destination, actual.Destination);
        Assert.Equal((expected.HoldTransferId, PayoutStatus.Pending, (ulong?)null, (string?)null), (actual.HoldTransferId, actual.Status, actual.BatchSeq, actual.FailureReason));
        Assert.Equal((expected.CreatedAt.UtcTicks, expected.UpdatedAt.UtcTicks), (actual.CreatedAt.UtcTicks, actual.UpdatedAt.UtcTicks));
        Assert.Equal((TimeSpan.Zero, TimeSpan.Zero), (actual.CreatedAt.Offset, actual.UpdatedAt.Offset));
    }

    private static void AssertDenied(DeniedAddress expected, DeniedAddress? actual)
    {
        Assert.NotNull(actual);
        Assert.Equal(expected.Address, actual.Address);
        Assert.Equal((expected.Reason, expected.Source, expected.AddedAt.UtcTicks), (actual.Reason, actual.Source, actual.AddedAt.UtcTicks));
    }

    private static UInt128[] Ids(IEnumerable<Payout> payouts) => [.. payouts.Select(static p => p.Id)];

    private static DateTimeOffset At(int seconds) => Start.AddSeconds(seconds).AddTicks(3);

    private static SignedAnchor Signed(ulong nonce) => new(Bytes(32, (byte)nonce), Bytes(110, (byte)(nonce + 100)), nonce);

    private static byte[] Bytes(int length, byte value) => Enumerable.Repeat(value, length).ToArray();

    private async Task<(PayoutStatus Status, ulong? BatchSeq)> StatusOfAsync(UInt128 id)
    {
        var payout = await Payouts.GetPayoutAsync(id, Ledger.Token);
        Assert.NotNull(payout);
        return (payout.Status, payout.BatchSeq);
    }

    /// <summary>Adds the payouts in this order: each one's created time is its id in ticks past the start.</summary>
    private async Task AddAsync(params UInt128[] ids)
    {
        foreach (var id in ids)
        {
            Assert.Equal(PayoutCreation.Created, (await Payouts.TryAddPayoutAsync(NewPayout(id), Ledger.Token)).Result);
        }
    }

    private async Task<SettlementFence> LeadAsync(string holder)
    {
        var grant = await Leases.TryAcquireAsync(Lease, holder, TimeSpan.FromMinutes(1), Ledger.Token);
        Assert.NotNull(grant);
        return new SettlementFence(Lease, grant.Epoch);
    }
}

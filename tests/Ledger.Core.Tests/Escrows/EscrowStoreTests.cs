using System.Data.Common;
using Ledger.Core.Cluster;
using Ledger.Core.Escrows;
using Ledger.Core.Settlement;
using Ledger.Core.Tests.Infrastructure;

namespace Ledger.Core.Tests.Escrows;

public sealed class SqliteEscrowStoreTests(SqliteStoreFixture fixture) : EscrowStoreTests<SqliteStoreFixture>(fixture);

public sealed class PostgresEscrowStoreTests(PostgresStoreFixture fixture) : EscrowStoreTests<PostgresStoreFixture>(fixture);

/// <summary>
/// The escrow store's rules on every store: an escrow is recorded once; every status change is a
/// compare-and-set on the stored status (and transaction hash), along the table of
/// <see cref="EscrowTransitions"/> only; the silo's writes apply under the running lease epoch only; the
/// event cursor moves by compare-and-set; a reconciliation report replaces the last one whole.
/// </summary>
public abstract class EscrowStoreTests<TFixture>(TFixture fixture) : LedgerTestBase<TFixture>(fixture)
    where TFixture : class, ILedgerStoreFixture
{
    private const string Lease = "silo";
    private static readonly DateTimeOffset Start = ManualClock.DefaultStart;

    private IEscrowStore Escrows => (IEscrowStore)Ledger.Store;

    private ILeaseStore Leases => (ILeaseStore)Ledger.Store;

    [Fact]
    public async Task An_escrow_reads_back_every_field_and_a_second_add_answers_exists_with_the_stored_one()
    {
        // Largest values in every 128-bit field, a permit at its limits, times below the microsecond and in another offset.
        var permitted = NewEscrow(7, EscrowFunding.Permit) with
        {
            ParticipantId = UInt128.MaxValue,
            AccountId = UInt128.MaxValue - 1,
            EscrowAccountId = (UInt128)1 << 127,
            Ledger = uint.MaxValue,
            Amount = UInt128.MaxValue - 2,
            TokenAmount = UInt128.MaxValue,
            Payer = Bytes(20, 0xFF),
            Deadline = new DateTimeOffset(2026, 3, 4, 5, 6, 7, TimeSpan.FromHours(2)),
            Permit = new EscrowPermit(long.MaxValue, 255, Bytes(32, 0xAB), Bytes(32, 0xCD)),
            CreatedAt = new DateTimeOffset(2025, 3, 4, 5, 6, 7, TimeSpan.FromHours(2)).AddTicks(1234567),
            UpdatedAt = new DateTimeOffset(2025, 3, 4, 5, 6, 8, TimeSpan.Zero).AddTicks(7),
        };

        var (created, returned) = await Escrows.TryAddEscrowAsync(permitted, Ledger.Token);
        Assert.Equal(EscrowCreation.Created, created);
        AssertEscrow(permitted, returned);
        AssertEscrow(permitted, (await Escrows.GetEscrowAsync(7, Ledger.Token))!);

        var (again, existing) = await Escrows.TryAddEscrowAsync(NewEscrow(7) with { Amount = 1 }, Ledger.Token);
        Assert.Equal(EscrowCreation.Exists, again);
        AssertEscrow(permitted, existing);

        var treasury = NewEscrow(8);
        Assert.Equal(EscrowCreation.Created, (await Escrows.TryAddEscrowAsync(treasury, Ledger.Token)).Result);
        var stored = (await Escrows.GetEscrowAsync(8, Ledger.Token))!;
        AssertEscrow(treasury, stored);
        Assert.Null(stored.Permit);
        Assert.Null(await Escrows.GetEscrowAsync(9, Ledger.Token));
    }

    [Fact]
    public async Task An_escrow_that_is_not_new_or_malformed_is_refused_and_nothing_is_stored()
    {
        Escrow[] malformed =
        [
            NewEscrow(1) with { Payer = Bytes(19, 1) },
            NewEscrow(1) with { Payee = Bytes(21, 1) },
            NewEscrow(1) with { Deadline = Start.AddDays(1).AddMilliseconds(500) },
            NewEscrow(1) with { Permit = Permit() },
            NewEscrow(1, EscrowFunding.Permit) with { Permit = null },
            NewEscrow(1, EscrowFunding.Permit) with { Permit = Permit() with { R = Bytes(31, 1) } },
            NewEscrow(1, EscrowFunding.Permit) with { Permit = Permit() with { Deadline = (ulong)long.MaxValue + 1 } },
            NewEscrow(1) with { Funding = (EscrowFunding)3 },
            NewEscrow(1) with { Status = EscrowStatus.Open },
            NewEscrow(1) with { Attempts = 1 },
            NewEscrow(1) with { TxHash = Bytes(32, 1) },
            NewEscrow(1) with { OpenedBlock = 1 },
            NewEscrow(1) with { FailureReason = "x" },
        ];
        foreach (var escrow in malformed)
        {
            await Assert.ThrowsAnyAsync<ArgumentException>(async () => await Escrows.TryAddEscrowAsync(escrow, Ledger.Token));
        }

        Assert.Null(await Escrows.GetEscrowAsync(1, Ledger.Token));
        Assert.Empty(await Escrows.ListEscrowsAsync(null, 10, Ledger.Token));
    }

    [Fact]
    public async Task The_schema_refuses_rows_outside_the_rules_even_behind_the_stores_back()
    {
        await AddAsync(1);
        string[] statements =
        [
            "UPDATE escrows SET status = 7",
            "UPDATE escrows SET funding = 3",
            "UPDATE escrows SET funding = 2",
            "UPDATE escrows SET tx_kind = 4",
            "UPDATE escrows SET tx_kind = 1",
            "UPDATE escrows SET status = 1",
            "UPDATE escrows SET status = 6",
            "UPDATE escrows SET status = 4, opened_block = 1",
            "UPDATE escrows SET attempts = -1",
            "INSERT INTO reconciliation_mismatches (position, subject, subject_id, kind, detail) VALUES (0, 'bank', NULL, 'x', 'y')",
            "INSERT INTO reconciliation_mismatches (position, subject, subject_id, kind, detail) VALUES (0, 'escrow', NULL, 'x', 'y')",
            "INSERT INTO escrow_cursor (singleton, block_number) VALUES (2, 1)",
        ];
        foreach (var sql in statements)
        {
            await Assert.ThrowsAnyAsync<DbException>(() => Fixture.ExecuteSqlAsync(Ledger.Store, sql, Ledger.Token));
        }

        var stored = (await Escrows.GetEscrowAsync(1, Ledger.Token))!;
        Assert.Equal((EscrowStatus.Opening, EscrowFunding.Treasury, 0), (stored.Status, stored.Funding, stored.Attempts));
    }

    [Fact]
    public async Task Active_escrows_list_oldest_first_and_listings_go_newest_first_for_all_or_one_participant()
    {
        var fence = await LeadAsync("a");
        await AddAsync(3, 1, 2, 4, 5, 6);
        await Escrows.TryAddEscrowAsync(NewEscrow(7) with { ParticipantId = 0xB2 }, Ledger.Token);
        await Escrows.TryAddEscrowAsync(NewEscrow(8) with { ParticipantId = 0xB2 }, Ledger.Token);

        // 2 Open, 3 Failed, 4 Releasing, 5 Refunding, 6 Released.
        Assert.Equal(SettlementWrite.Applied, await Escrows.TryAdvanceEscrowAsync(2, EscrowStatus.Opening, EscrowStatus.Open, null, 10, null, At(1), fence, Ledger.Token));
        Assert.True(await Escrows.TryFailOpeningAsync(3, "exceeds_credits", At(1), Ledger.Token));
        foreach (var id in (UInt128[])[4, 5, 6])
        {
            await Escrows.TryAdvanceEscrowAsync(id, EscrowStatus.Opening, EscrowStatus.Open, null, 10, null, At(1), fence, Ledger.Token);
        }

        Assert.True(await Escrows.TryRequestActionAsync(4, EscrowStatus.Releasing, At(2), Ledger.Token));
        Assert.True(await Escrows.TryRequestActionAsync(5, EscrowStatus.Refunding, At(2), Ledger.Token));
        Assert.Equal(SettlementWrite.Applied, await Escrows.TryAdvanceEscrowAsync(6, EscrowStatus.Open, EscrowStatus.Released, null, 11, Bytes(32, 6), At(3), fence, Ledger.Token));

        Assert.Equal([1, 2, 4, 5, 7, 8], Ids(await Escrows.ListActiveEscrowsAsync(10, Ledger.Token)));
        Assert.Equal([1, 2], Ids(await Escrows.ListActiveEscrowsAsync(2, Ledger.Token)));
        Assert.Equal([8, 7, 6, 5, 4, 3, 2, 1], Ids(await Escrows.ListEscrowsAsync(null, 10, Ledger.Token)));
        Assert.Equal([8, 7, 6], Ids(await Escrows.ListEscrowsAsync(null, 3, Ledger.Token)));
        Assert.Equal([6, 5, 4, 3, 2, 1], Ids(await Escrows.ListEscrowsAsync(0xA1, 10, Ledger.Token)));
        Assert.Equal([8, 7], Ids(await Escrows.ListEscrowsAsync(0xB2, 10, Ledger.Token)));
        Assert.Empty(await Escrows.ListEscrowsAsync(0xC3, 10, Ledger.Token));

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(async () => await Escrows.ListActiveEscrowsAsync(0, Ledger.Token));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(async () => await Escrows.ListEscrowsAsync(null, 1001, Ledger.Token));
    }

    [Fact]
    public async Task Only_an_opening_escrow_with_no_transaction_can_be_failed_outright()
    {
        var fence = await LeadAsync("a");
        await AddAsync(1, 2, 3);
        Assert.Equal(SettlementWrite.Applied, await Escrows.RecordEscrowTxAsync(2, EscrowStatus.Opening, EscrowTxKind.Open, null, Signed(1), At(1), fence, Ledger.Token));
        await Escrows.TryAdvanceEscrowAsync(3, EscrowStatus.Opening, EscrowStatus.Open, null, 10, null, At(1), fence, Ledger.Token);

        Assert.True(await Escrows.TryFailOpeningAsync(1, "exceeds_credits", At(2), Ledger.Token));
        var failed = (await Escrows.GetEscrowAsync(1, Ledger.Token))!;
        Assert.Equal((EscrowStatus.Failed, "exceeds_credits", At(2)), (failed.Status, failed.FailureReason, failed.UpdatedAt));

        Assert.False(await Escrows.TryFailOpeningAsync(1, "again", At(3), Ledger.Token));
        Assert.False(await Escrows.TryFailOpeningAsync(2, "signed already", At(3), Ledger.Token));
        Assert.False(await Escrows.TryFailOpeningAsync(3, "open", At(3), Ledger.Token));
        Assert.False(await Escrows.TryFailOpeningAsync(99, "unknown", At(3), Ledger.Token));
        Assert.Equal("exceeds_credits", (await Escrows.GetEscrowAsync(1, Ledger.Token))!.FailureReason);
        Assert.Equal(EscrowStatus.Opening, (await Escrows.GetEscrowAsync(2, Ledger.Token))!.Status);
        Assert.Equal(EscrowStatus.Open, (await Escrows.GetEscrowAsync(3, Ledger.Token))!.Status);

        // A Failed escrow takes no transaction and goes nowhere.
        Assert.Equal(SettlementWrite.Conflict, await Escrows.RecordEscrowTxAsync(1, EscrowStatus.Opening, EscrowTxKind.Open, null, Signed(1), At(4), fence, Ledger.Token));
        Assert.Equal(SettlementWrite.Conflict, await Escrows.TryAdvanceEscrowAsync(1, EscrowStatus.Opening, EscrowStatus.Open, null, 10, null, At(4), fence, Ledger.Token));
        Assert.False(await Escrows.TryRequestActionAsync(1, EscrowStatus.Refunding, At(4), Ledger.Token));
    }

    [Fact]
    public async Task An_open_goes_signed_replaced_and_open_by_compare_and_set_on_status_and_hash()
    {
        var fence = await LeadAsync("a");
        await AddAsync(1);
        var first = Signed(1);
        var second = Signed(2);

        // The kind must be the one the expected status sends.
        await Assert.ThrowsAsync<ArgumentException>(async () => await Escrows.RecordEscrowTxAsync(1, EscrowStatus.Opening, EscrowTxKind.Release, null, first, At(1), fence, Ledger.Token));
        await Assert.ThrowsAsync<ArgumentException>(async () => await Escrows.RecordEscrowTxAsync(1, EscrowStatus.Open, EscrowTxKind.Open, null, first, At(1), fence, Ledger.Token));

        Assert.Equal(SettlementWrite.Conflict, await Escrows.RecordEscrowTxAsync(1, EscrowStatus.Releasing, EscrowTxKind.Release, null, first, At(1), fence, Ledger.Token));
        Assert.Equal(SettlementWrite.Conflict, await Escrows.RecordEscrowTxAsync(1, EscrowStatus.Opening, EscrowTxKind.Open, second.TxHash, first, At(1), fence, Ledger.Token));
        Assert.Equal(SettlementWrite.Conflict, await Escrows.RecordEscrowTxAsync(99, EscrowStatus.Opening, EscrowTxKind.Open, null, first, At(1), fence, Ledger.Token));

        Assert.Equal(SettlementWrite.Applied, await Escrows.RecordEscrowTxAsync(1, EscrowStatus.Opening, EscrowTxKind.Open, null, first, At(2), fence, Ledger.Token));
        var signed = (await Escrows.GetEscrowAsync(1, Ledger.Token))!;
        Assert.Equal((EscrowStatus.Opening, (EscrowTxKind?)EscrowTxKind.Open, (ulong?)1, 1, At(2)), (signed.Status, signed.TxKind, signed.Nonce, signed.Attempts, signed.UpdatedAt));
        Assert.Equal(first.TxHash, signed.TxHash);
        Assert.Equal(first.RawTx, signed.RawTx);

        // Recorded again as if none were there is refused; a replacement names the hash it replaces.
        Assert.Equal(SettlementWrite.Conflict, await Escrows.RecordEscrowTxAsync(1, EscrowStatus.Opening, EscrowTxKind.Open, null, second, At(3), fence, Ledger.Token));
        Assert.Equal(SettlementWrite.Conflict, await Escrows.RecordEscrowTxAsync(1, EscrowStatus.Opening, EscrowTxKind.Open, second.TxHash, second, At(3), fence, Ledger.Token));
        Assert.Equal(SettlementWrite.Applied, await Escrows.RecordEscrowTxAsync(1, EscrowStatus.Opening, EscrowTxKind.Open, first.TxHash, second, At(3), fence, Ledger.Token));
        var replaced = (await Escrows.GetEscrowAsync(1, Ledger.Token))!;
        Assert.Equal(((ulong?)2, 2), (replaced.Nonce, replaced.Attempts));
        Assert.Equal(second.RawTx, replaced.RawTx);

        // Opening → Opening is no move at all; Open needs its block and nothing else.
        await Assert.ThrowsAsync<ArgumentException>(async () => await Escrows.TryAdvanceEscrowAsync(1, EscrowStatus.Opening, EscrowStatus.Opening, null, null, null, At(4), fence, Ledger.Token));
        await Assert.ThrowsAsync<ArgumentException>(async () => await Escrows.TryAdvanceEscrowAsync(1, EscrowStatus.Opening, EscrowStatus.Open, null, null, null, At(4), fence, Ledger.Token));
        await Assert.ThrowsAsync<ArgumentException>(async () => await Escrows.TryAdvanceEscrowAsync(1, EscrowStatus.Opening, EscrowStatus.Open, "why", 12, null, At(4), fence, Ledger.Token));
        await Assert.ThrowsAsync<ArgumentException>(async () => await Escrows.TryAdvanceEscrowAsync(1, EscrowStatus.Opening, EscrowStatus.Open, null, 12, second.TxHash, At(4), fence, Ledger.Token));
        Assert.Equal(SettlementWrite.Conflict, await Escrows.TryAdvanceEscrowAsync(1, EscrowStatus.Releasing, EscrowStatus.Open, "reverted", null, null, At(4), fence, Ledger.Token));

        Assert.Equal(SettlementWrite.Applied, await Escrows.TryAdvanceEscrowAsync(1, EscrowStatus.Opening, EscrowStatus.Open, null, 12, null, At(4), fence, Ledger.Token));
        var open = (await Escrows.GetEscrowAsync(1, Ledger.Token))!;
        Assert.Equal((EscrowStatus.Open, (ulong?)12, (ulong?)null, (string?)null, At(4)), (open.Status, open.OpenedBlock, open.ClosedBlock, open.FailureReason, open.UpdatedAt));

        // The open's transaction stays on record until the next step is asked for.
        Assert.Equal(second.TxHash, open.TxHash);
        Assert.Equal(SettlementWrite.Conflict, await Escrows.TryAdvanceEscrowAsync(1, EscrowStatus.Opening, EscrowStatus.Open, null, 13, null, At(5), fence, Ledger.Token));
        Assert.Equal(SettlementWrite.Conflict, await Escrows.TryAdvanceEscrowAsync(1, EscrowStatus.Opening, EscrowStatus.Failed, "late", null, null, At(5), fence, Ledger.Token));
        Assert.Equal(12UL, (await Escrows.GetEscrowAsync(1, Ledger.Token))!.OpenedBlock);
    }

    [Fact]
    public async Task A_release_is_asked_signed_reverted_asked_again_and_released_and_then_nothing_moves_it()
    {
        var fence = await LeadAsync("a");
        await OpenAsync(fence, 1);
        var release = Signed(3);

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(async () => await Escrows.TryRequestActionAsync(1, EscrowStatus.Released, At(1), Ledger.Token));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(async () => await Escrows.TryRequestActionAsync(1, EscrowStatus.Open, At(1), Ledger.Token));
        Assert.True(await Escrows.TryRequestActionAsync(1, EscrowStatus.Releasing, At(1), Ledger.Token));
        var asked = (await Escrows.GetEscrowAsync(1, Ledger.Token))!;
        Assert.Equal((EscrowStatus.Releasing, (EscrowTxKind?)null, (byte[]?)null, (byte[]?)null, (ulong?)null, 0, At(1)), (asked.Status, asked.TxKind, asked.TxHash, asked.RawTx, asked.Nonce, asked.Attempts, asked.UpdatedAt));
        Assert.False(await Escrows.TryRequestActionAsync(1, EscrowStatus.Releasing, At(2), Ledger.Token));
        Assert.False(await Escrows.TryRequestActionAsync(1, EscrowStatus.Refunding, At(2), Ledger.Token));
        Assert.False(await Escrows.TryRequestActionAsync(99, EscrowStatus.Refunding, At(2), Ledger.Token));

        Assert.Equal(SettlementWrite.Applied, await Escrows.RecordEscrowTxAsync(1, EscrowStatus.Releasing, EscrowTxKind.Release, null, release, At(2), fence, Ledger.Token));
        Assert.Equal(1, (await Escrows.GetEscrowAsync(1, Ledger.Token))!.Attempts);

        // The release reverted: back to Open with the reason, its transaction forgotten.
        await Assert.ThrowsAsync<ArgumentException>(async () => await Escrows.TryAdvanceEscrowAsync(1, EscrowStatus.Releasing, EscrowStatus.Open, null, null, null, At(3), fence, Ledger.Token));
        Assert.Equal(SettlementWrite.Applied, await Escrows.TryAdvanceEscrowAsync(1, EscrowStatus.Releasing, EscrowStatus.Open, "reverted", null, null, At(3), fence, Ledger.Token));
        var reverted = (await Escrows.GetEscrowAsync(1, Ledger.Token))!;
        Assert.Equal((EscrowStatus.Open, "reverted", (EscrowTxKind?)null, (byte[]?)null, (ulong?)null, 0, (ulong?)10), (reverted.Status, reverted.FailureReason, reverted.TxKind, reverted.TxHash, reverted.Nonce, reverted.Attempts, reverted.OpenedBlock));

        Assert.True(await Escrows.TryRequestActionAsync(1, EscrowStatus.Releasing, At(4), Ledger.Token));
        Assert.Null((await Escrows.GetEscrowAsync(1, Ledger.Token))!.FailureReason);
        Assert.Equal(SettlementWrite.Applied, await Escrows.RecordEscrowTxAsync(1, EscrowStatus.Releasing, EscrowTxKind.Release, null, release, At(5), fence, Ledger.Token));

        await Assert.ThrowsAsync<ArgumentException>(async () => await Escrows.TryAdvanceEscrowAsync(1, EscrowStatus.Releasing, EscrowStatus.Released, null, 20, null, At(6), fence, Ledger.Token));
        await Assert.ThrowsAsync<ArgumentException>(async () => await Escrows.TryAdvanceEscrowAsync(1, EscrowStatus.Releasing, EscrowStatus.Released, null, null, Bytes(32, 9), At(6), fence, Ledger.Token));
        await Assert.ThrowsAsync<ArgumentException>(async () => await Escrows.TryAdvanceEscrowAsync(1, EscrowStatus.Releasing, EscrowStatus.Released, null, 20, Bytes(31, 9), At(6), fence, Ledger.Token));
        Assert.Equal(SettlementWrite.Conflict, await Escrows.TryAdvanceEscrowAsync(1, EscrowStatus.Refunding, EscrowStatus.Released, null, 20, Bytes(32, 9), At(6), fence, Ledger.Token));
        Assert.Equal(SettlementWrite.Applied, await Escrows.TryAdvanceEscrowAsync(1, EscrowStatus.Releasing, EscrowStatus.Released, null, 20, Bytes(32, 9), At(6), fence, Ledger.Token));
        var released = (await Escrows.GetEscrowAsync(1, Ledger.Token))!;
        Assert.Equal((EscrowStatus.Released, (ulong?)20, (ulong?)10, (EscrowTxKind?)EscrowTxKind.Release, At(6)), (released.Status, released.ClosedBlock, released.OpenedBlock, released.TxKind, released.UpdatedAt));
        Assert.Equal(Bytes(32, 9), released.ClosedTxHash);
        Assert.Equal(release.TxHash, released.TxHash);

        // Released is the end.
        Assert.False(await Escrows.TryRequestActionAsync(1, EscrowStatus.Refunding, At(7), Ledger.Token));
        Assert.Equal(SettlementWrite.Conflict, await Escrows.RecordEscrowTxAsync(1, EscrowStatus.Releasing, EscrowTxKind.Release, release.TxHash, Signed(4), At(7), fence, Ledger.Token));
        Assert.Equal(SettlementWrite.Conflict, await Escrows.TryAdvanceEscrowAsync(1, EscrowStatus.Releasing, EscrowStatus.Refunded, null, 21, Bytes(32, 8), At(7), fence, Ledger.Token));
        await Assert.ThrowsAsync<ArgumentException>(async () => await Escrows.TryAdvanceEscrowAsync(1, EscrowStatus.Released, EscrowStatus.Open, "x", null, null, At(7), fence, Ledger.Token));
        await Assert.ThrowsAsync<ArgumentException>(async () => await Escrows.TryAdvanceEscrowAsync(1, EscrowStatus.Released, EscrowStatus.Refunded, null, 21, Bytes(32, 8), At(7), fence, Ledger.Token));
        Assert.Equal(EscrowStatus.Released, (await Escrows.GetEscrowAsync(1, Ledger.Token))!.Status);
        Assert.Empty(await Escrows.ListActiveEscrowsAsync(10, Ledger.Token));
    }

    [Fact]
    public async Task Refunds_come_from_a_request_or_straight_from_open_and_a_reverted_open_fails()
    {
        var fence = await LeadAsync("a");
        await OpenAsync(fence, 1, 2);
        await AddAsync(3);

        // Asked for, signed, refunded.
        Assert.True(await Escrows.TryRequestActionAsync(1, EscrowStatus.Refunding, At(1), Ledger.Token));
        Assert.Equal(SettlementWrite.Conflict, await Escrows.RecordEscrowTxAsync(1, EscrowStatus.Releasing, EscrowTxKind.Release, null, Signed(5), At(2), fence, Ledger.Token));
        Assert.Equal(SettlementWrite.Applied, await Escrows.RecordEscrowTxAsync(1, EscrowStatus.Refunding, EscrowTxKind.Refund, null, Signed(5), At(2), fence, Ledger.Token));
        Assert.Equal(SettlementWrite.Applied, await Escrows.TryAdvanceEscrowAsync(1, EscrowStatus.Refunding, EscrowStatus.Refunded, null, 30, Bytes(32, 5), At(3), fence, Ledger.Token));
        var refunded = (await Escrows.GetEscrowAsync(1, Ledger.Token))!;
        Assert.Equal((EscrowStatus.Refunded, (ulong?)30, (EscrowTxKind?)EscrowTxKind.Refund), (refunded.Status, refunded.ClosedBlock, refunded.TxKind));

        // Someone else refunded on chain after the deadline: the chain wins, straight from Open.
        Assert.Equal(SettlementWrite.Applied, await Escrows.TryAdvanceEscrowAsync(2, EscrowStatus.Open, EscrowStatus.Refunded, null, 31, Bytes(32, 7), At(3), fence, Ledger.Token));
        Assert.Equal(EscrowStatus.Refunded, (await Escrows.GetEscrowAsync(2, Ledger.Token))!.Status);

        // The open reverted.
        await Assert.ThrowsAsync<ArgumentException>(async () => await Escrows.TryAdvanceEscrowAsync(3, EscrowStatus.Opening, EscrowStatus.Failed, null, null, null, At(4), fence, Ledger.Token));
        await Assert.ThrowsAsync<ArgumentException>(async () => await Escrows.TryAdvanceEscrowAsync(3, EscrowStatus.Open, EscrowStatus.Failed, "x", null, null, At(4), fence, Ledger.Token));
        await Assert.ThrowsAsync<ArgumentException>(async () => await Escrows.TryAdvanceEscrowAsync(3, EscrowStatus.Opening, EscrowStatus.Released, null, 1, Bytes(32, 1), At(4), fence, Ledger.Token));
        await Assert.ThrowsAsync<ArgumentException>(async () => await Escrows.TryAdvanceEscrowAsync(3, EscrowStatus.Open, EscrowStatus.Releasing, null, null, null, At(4), fence, Ledger.Token));
        Assert.Equal(SettlementWrite.Applied, await Escrows.RecordEscrowTxAsync(3, EscrowStatus.Opening, EscrowTxKind.Open, null, Signed(6), At(4), fence, Ledger.Token));
        Assert.Equal(SettlementWrite.Applied, await Escrows.TryAdvanceEscrowAsync(3, EscrowStatus.Opening, EscrowStatus.Failed, "reverted", null, null, At(5), fence, Ledger.Token));
        var failed = (await Escrows.GetEscrowAsync(3, Ledger.Token))!;
        Assert.Equal((EscrowStatus.Failed, "reverted", (ulong?)null, 1), (failed.Status, failed.FailureReason, failed.OpenedBlock, failed.Attempts));
        Assert.Equal(Signed(6).TxHash, failed.TxHash);
    }

    [Fact]
    public async Task A_deposed_or_lapsed_leader_changes_nothing_and_the_current_one_writes()
    {
        var old = await LeadAsync("a");
        await OpenAsync(old, 2);
        await AddAsync(1);
        await Escrows.TryRequestActionAsync(2, EscrowStatus.Releasing, At(1), Ledger.Token);
        Assert.Equal(SettlementWrite.Applied, await Escrows.TrySetEscrowCursorAsync(null, 5, old, Ledger.Token));
        await Leases.ReleaseAsync(Lease, "a", Ledger.Token);
        var current = await LeadAsync("b");
        Assert.NotEqual(old.Epoch, current.Epoch);
        var report = new ReconciliationReport(At(9), 9, 1, 0, []);

        Assert.Equal(SettlementWrite.NotLeader, await Escrows.RecordEscrowTxAsync(1, EscrowStatus.Opening, EscrowTxKind.Open, null, Signed(1), At(2), old, Ledger.Token));
        Assert.Equal(SettlementWrite.NotLeader, await Escrows.TryAdvanceEscrowAsync(1, EscrowStatus.Opening, EscrowStatus.Open, null, 3, null, At(2), old, Ledger.Token));
        Assert.Equal(SettlementWrite.NotLeader, await Escrows.TryAdvanceEscrowAsync(2, EscrowStatus.Releasing, EscrowStatus.Released, null, 3, Bytes(32, 3), At(2), old, Ledger.Token));
        Assert.Equal(SettlementWrite.NotLeader, await Escrows.TrySetEscrowCursorAsync(5, 6, old, Ledger.Token));
        Assert.Equal(SettlementWrite.NotLeader, await Escrows.RecordReconciliationAsync(report, old, Ledger.Token));
        Assert.Equal(SettlementWrite.NotLeader, await Escrows.RecordEscrowTxAsync(1, EscrowStatus.Opening, EscrowTxKind.Open, null, Signed(1), At(2), new SettlementFence("other", current.Epoch), Ledger.Token));

        var untouched = (await Escrows.GetEscrowAsync(1, Ledger.Token))!;
        Assert.Equal((EscrowStatus.Opening, (byte[]?)null, 0, Start.AddTicks(1)), (untouched.Status, untouched.TxHash, untouched.Attempts, untouched.UpdatedAt));
        Assert.Equal(EscrowStatus.Releasing, (await Escrows.GetEscrowAsync(2, Ledger.Token))!.Status);
        Assert.Equal(5UL, await Escrows.GetEscrowCursorAsync(Ledger.Token));
        Assert.Null(await Escrows.GetReconciliationAsync(Ledger.Token));

        Assert.Equal(SettlementWrite.Applied, await Escrows.RecordEscrowTxAsync(1, EscrowStatus.Opening, EscrowTxKind.Open, null, Signed(1), At(3), current, Ledger.Token));
        Assert.Equal(SettlementWrite.Applied, await Escrows.TryAdvanceEscrowAsync(2, EscrowStatus.Releasing, EscrowStatus.Released, null, 3, Bytes(32, 3), At(3), current, Ledger.Token));
        Assert.Equal(SettlementWrite.Applied, await Escrows.TrySetEscrowCursorAsync(5, 6, current, Ledger.Token));
        Assert.Equal(SettlementWrite.Applied, await Escrows.RecordReconciliationAsync(report, current, Ledger.Token));

        // A lease that lapsed fences out its own holder.
        await Leases.ReleaseAsync(Lease, "b", Ledger.Token);
        var grant = await Leases.TryAcquireAsync(Lease, "b", TimeSpan.FromMilliseconds(200), Ledger.Token);
        var lapsed = new SettlementFence(Lease, grant!.Epoch);
        await Task.Delay(TimeSpan.FromMilliseconds(600), Ledger.Token);
        Assert.Equal(SettlementWrite.NotLeader, await Escrows.TryAdvanceEscrowAsync(1, EscrowStatus.Opening, EscrowStatus.Open, null, 4, null, At(4), lapsed, Ledger.Token));
        Assert.Equal(SettlementWrite.NotLeader, await Escrows.TrySetEscrowCursorAsync(6, 7, lapsed, Ledger.Token));
        Assert.Equal(EscrowStatus.Opening, (await Escrows.GetEscrowAsync(1, Ledger.Token))!.Status);
        Assert.Equal(6UL, await Escrows.GetEscrowCursorAsync(Ledger.Token));
    }

    [Fact]
    public async Task The_event_cursor_starts_unset_and_moves_only_from_the_value_expected()
    {
        var fence = await LeadAsync("a");
        Assert.Null(await Escrows.GetEscrowCursorAsync(Ledger.Token));
        Assert.Equal(SettlementWrite.Conflict, await Escrows.TrySetEscrowCursorAsync(0, 5, fence, Ledger.Token));
        Assert.Null(await Escrows.GetEscrowCursorAsync(Ledger.Token));

        Assert.Equal(SettlementWrite.Applied, await Escrows.TrySetEscrowCursorAsync(null, 0, fence, Ledger.Token));
        Assert.Equal(0UL, await Escrows.GetEscrowCursorAsync(Ledger.Token));
        Assert.Equal(SettlementWrite.Conflict, await Escrows.TrySetEscrowCursorAsync(null, 7, fence, Ledger.Token));
        Assert.Equal(SettlementWrite.Applied, await Escrows.TrySetEscrowCursorAsync(0, 100, fence, Ledger.Token));
        Assert.Equal(SettlementWrite.Conflict, await Escrows.TrySetEscrowCursorAsync(99, 101, fence, Ledger.Token));
        Assert.Equal(SettlementWrite.Conflict, await Escrows.TrySetEscrowCursorAsync(ulong.MaxValue, 101, fence, Ledger.Token));
        Assert.Equal(SettlementWrite.Applied, await Escrows.TrySetEscrowCursorAsync(100, long.MaxValue, fence, Ledger.Token));
        Assert.Equal((ulong)long.MaxValue, await Escrows.GetEscrowCursorAsync(Ledger.Token));

        // Two writers from the same value: one moves it.
        Assert.Equal(SettlementWrite.Applied, await Escrows.TrySetEscrowCursorAsync(long.MaxValue, 200, fence, Ledger.Token));
        var racing = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => Task.Run(async () => await Escrows.TrySetEscrowCursorAsync(200, 201 + (ulong)i, fence, Ledger.Token))));
        Assert.Single(racing, static r => r == SettlementWrite.Applied);
        Assert.InRange((await Escrows.GetEscrowCursorAsync(Ledger.Token))!.Value, 201UL, 208UL);
    }

    [Fact]
    public async Task A_reconciliation_report_replaces_the_last_one_whole_and_reads_back_in_order()
    {
        var fence = await LeadAsync("a");
        Assert.Null(await Escrows.GetReconciliationAsync(Ledger.Token));

        var first = new ReconciliationReport(
            new DateTimeOffset(2025, 5, 6, 7, 8, 9, TimeSpan.FromHours(-3)).AddTicks(17),
            long.MaxValue,
            12,
            int.MaxValue,
            [
                new ReconciliationMismatch("treasury", null, "balance_differs", "The treasury holds 5 USDC more than the books."),
                new ReconciliationMismatch("escrow", UInt128.MaxValue, "state_differs", "Open on chain, Refunded in the ledger."),
                new ReconciliationMismatch("payout", 7, "missing_on_chain", "Paid in batch 3, but no transfer on chain."),
            ]);
        Assert.Equal(SettlementWrite.Applied, await Escrows.RecordReconciliationAsync(first, fence, Ledger.Token));
        AssertReport(first, await Escrows.GetReconciliationAsync(Ledger.Token));

        var second = new ReconciliationReport(At(20), 44, 3, 0, [new ReconciliationMismatch("escrow", 9, "amount_differs_2", "x")]);
        Assert.Equal(SettlementWrite.Applied, await Escrows.RecordReconciliationAsync(second, fence, Ledger.Token));
        AssertReport(second, await Escrows.GetReconciliationAsync(Ledger.Token));

        var clean = new ReconciliationReport(At(30), 45, 3, 1, []);
        Assert.Equal(SettlementWrite.Applied, await Escrows.RecordReconciliationAsync(clean, fence, Ledger.Token));
        AssertReport(clean, await Escrows.GetReconciliationAsync(Ledger.Token));

        var most = new ReconciliationReport(At(40), 46, 0, 0, [.. Enumerable.Range(0, ReconciliationReport.MismatchesMax).Select(static i => new ReconciliationMismatch("payout", (UInt128)i, "k", $"#{i}"))]);
        Assert.Equal(SettlementWrite.Applied, await Escrows.RecordReconciliationAsync(most, fence, Ledger.Token));
        AssertReport(most, await Escrows.GetReconciliationAsync(Ledger.Token));

        // A report no store may keep is refused before anything is written.
        ReconciliationReport[] refused =
        [
            clean with { EscrowsChecked = -1 },
            clean with { BlockNumber = (ulong)long.MaxValue + 1 },
            clean with { Mismatches = [new ReconciliationMismatch("bank", null, "x", "y")] },
            clean with { Mismatches = [new ReconciliationMismatch("treasury", 1, "x", "y")] },
            clean with { Mismatches = [new ReconciliationMismatch("escrow", null, "x", "y")] },
            clean with { Mismatches = [new ReconciliationMismatch("escrow", 1, "StateDiffers", "y")] },
            clean with { Mismatches = [new ReconciliationMismatch("escrow", 1, "state__differs", "y")] },
            clean with { Mismatches = [new ReconciliationMismatch("escrow", 1, "state_", "y")] },
            clean with { Mismatches = [new ReconciliationMismatch("escrow", 1, "", "y")] },
            clean with { Mismatches = [.. most.Mismatches, most.Mismatches[0]] },
        ];
        foreach (var report in refused)
        {
            await Assert.ThrowsAnyAsync<ArgumentException>(async () => await Escrows.RecordReconciliationAsync(report, fence, Ledger.Token));
        }

        AssertReport(most, await Escrows.GetReconciliationAsync(Ledger.Token));
    }

    [Fact]
    public async Task Racing_requests_on_one_open_escrow_leave_exactly_one_winner_and_racing_adds_one_escrow()
    {
        var fence = await LeadAsync("a");
        await OpenAsync(fence, 1);
        var requests = await Task.WhenAll(Enumerable.Range(0, 16).Select(i => Task.Run(async () =>
            (To: i % 2 == 0 ? EscrowStatus.Releasing : EscrowStatus.Refunding, Moved: await Escrows.TryRequestActionAsync(1, i % 2 == 0 ? EscrowStatus.Releasing : EscrowStatus.Refunding, At(1), Ledger.Token)))));
        var winner = Assert.Single(requests, static r => r.Moved);
        Assert.Equal(winner.To, (await Escrows.GetEscrowAsync(1, Ledger.Token))!.Status);

        var adds = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => Task.Run(async () => await Escrows.TryAddEscrowAsync(NewEscrow(2) with { Amount = (UInt128)(i + 1) }, Ledger.Token))));
        var created = Assert.Single(adds, static a => a.Result == EscrowCreation.Created);
        Assert.All(adds, a => Assert.Equal(created.Escrow.Amount, a.Escrow.Amount));
        Assert.Equal(created.Escrow.Amount, (await Escrows.GetEscrowAsync(2, Ledger.Token))!.Amount);
    }

    [Fact]
    public void The_transition_table_is_exactly_the_documented_one()
    {
        var allowed = new HashSet<(EscrowStatus, EscrowStatus)>
        {
            (EscrowStatus.Opening, EscrowStatus.Open),
            (EscrowStatus.Opening, EscrowStatus.Failed),
            (EscrowStatus.Releasing, EscrowStatus.Open),
            (EscrowStatus.Refunding, EscrowStatus.Open),
            (EscrowStatus.Open, EscrowStatus.Released),
            (EscrowStatus.Open, EscrowStatus.Refunded),
            (EscrowStatus.Releasing, EscrowStatus.Released),
            (EscrowStatus.Releasing, EscrowStatus.Refunded),
            (EscrowStatus.Refunding, EscrowStatus.Released),
            (EscrowStatus.Refunding, EscrowStatus.Refunded),
        };
        foreach (var from in Enum.GetValues<EscrowStatus>())
        {
            foreach (var to in Enum.GetValues<EscrowStatus>())
            {
                Assert.Equal(allowed.Contains((from, to)), EscrowTransitions.IsAllowed(from, to));
            }
        }

        Assert.Equal(EscrowTxKind.Open, EscrowTransitions.TxKindOf(EscrowStatus.Opening));
        Assert.Equal(EscrowTxKind.Release, EscrowTransitions.TxKindOf(EscrowStatus.Releasing));
        Assert.Equal(EscrowTxKind.Refund, EscrowTransitions.TxKindOf(EscrowStatus.Refunding));
        Assert.Throws<ArgumentException>(() => EscrowTransitions.TxKindOf(EscrowStatus.Open));
        Assert.Throws<ArgumentOutOfRangeException>(() => EscrowTransitions.Validate(EscrowStatus.Opening, EscrowStatus.Open, null, (ulong)long.MaxValue + 1, null));
    }

    private static Escrow NewEscrow(UInt128 id, EscrowFunding funding = EscrowFunding.Treasury) => new(
        id,
        0xA1,
        funding,
        1,
        2,
        1_000_001,
        (id * 100) + 5,
        (id * 100) + 5,
        Bytes(20, 0x11),
        Bytes(20, 0x22),
        Bytes(20, 0x33),
        Start.AddDays(1),
        funding == EscrowFunding.Permit ? Permit() : null,
        EscrowStatus.Opening,
        null,
        null,
        null,
        null,
        null,
        0,
        null,
        null,
        null,
        Start.AddTicks((long)id),
        Start.AddTicks((long)id));

    private static EscrowPermit Permit() => new(1_800_000_000, 27, Bytes(32, 0x44), Bytes(32, 0x55));

    private static void AssertEscrow(Escrow expected, Escrow actual)
    {
        Assert.Equal(
            (expected.Id, expected.ParticipantId, expected.Funding, expected.AccountId, expected.EscrowAccountId, expected.Ledger, expected.Amount, expected.TokenAmount),
            (actual.Id, actual.ParticipantId, actual.Funding, actual.AccountId, actual.EscrowAccountId, actual.Ledger, actual.Amount, actual.TokenAmount));
        Assert.Equal(expected.Payer, actual.Payer);
        Assert.Equal(expected.Payee, actual.Payee);
        Assert.Equal(expected.Arbiter, actual.Arbiter);
        Assert.Equal((expected.Deadline.UtcTicks, TimeSpan.Zero), (actual.Deadline.UtcTicks, actual.Deadline.Offset));
        Assert.Equal(expected.Permit is null, actual.Permit is null);
        if (expected.Permit is { } permit)
        {
            Assert.Equal((permit.Deadline, permit.V), (actual.Permit!.Deadline, actual.Permit.V));
            Assert.Equal(permit.R, actual.Permit.R);
            Assert.Equal(permit.S, actual.Permit.S);
        }

        Assert.Equal(
            (EscrowStatus.Opening, (string?)null, (EscrowTxKind?)null, (byte[]?)null, (byte[]?)null, (ulong?)null, 0, (ulong?)null, (ulong?)null, (byte[]?)null),
            (actual.Status, actual.FailureReason, actual.TxKind, actual.TxHash, actual.RawTx, actual.Nonce, actual.Attempts, actual.OpenedBlock, actual.ClosedBlock, actual.ClosedTxHash));
        Assert.Equal((expected.CreatedAt.UtcTicks, expected.UpdatedAt.UtcTicks), (actual.CreatedAt.UtcTicks, actual.UpdatedAt.UtcTicks));
        Assert.Equal((TimeSpan.Zero, TimeSpan.Zero), (actual.CreatedAt.Offset, actual.UpdatedAt.Offset));
    }

    private static void AssertReport(ReconciliationReport expected, ReconciliationReport? actual)
    {
        Assert.NotNull(actual);
        Assert.Equal(
            (expected.CheckedAt.UtcTicks, expected.BlockNumber, expected.EscrowsChecked, expected.PayoutsChecked),
            (actual.CheckedAt.UtcTicks, actual.BlockNumber, actual.EscrowsChecked, actual.PayoutsChecked));
        Assert.Equal(TimeSpan.Zero, actual.CheckedAt.Offset);
        Assert.Equal(expected.Mismatches, actual.Mismatches);
    }

    private static UInt128[] Ids(IEnumerable<Escrow> escrows) => [.. escrows.Select(static e => e.Id)];

    private static DateTimeOffset At(int seconds) => Start.AddSeconds(seconds).AddTicks(3);

    private static SignedAnchor Signed(ulong nonce) => new(Bytes(32, (byte)nonce), Bytes(110, (byte)(nonce + 100)), nonce);

    private static byte[] Bytes(int length, byte value) => Enumerable.Repeat(value, length).ToArray();

    /// <summary>Adds the escrows in this order: each one's created time is its id in ticks past the start.</summary>
    private async Task AddAsync(params UInt128[] ids)
    {
        foreach (var id in ids)
        {
            Assert.Equal(EscrowCreation.Created, (await Escrows.TryAddEscrowAsync(NewEscrow(id), Ledger.Token)).Result);
        }
    }

    /// <summary>Adds the escrows and moves each to Open (opened in block 10).</summary>
    private async Task OpenAsync(SettlementFence fence, params UInt128[] ids)
    {
        await AddAsync(ids);
        foreach (var id in ids)
        {
            Assert.Equal(SettlementWrite.Applied, await Escrows.TryAdvanceEscrowAsync(id, EscrowStatus.Opening, EscrowStatus.Open, null, 10, null, At(0), fence, Ledger.Token));
        }
    }

    private async Task<SettlementFence> LeadAsync(string holder)
    {
        var grant = await Leases.TryAcquireAsync(Lease, holder, TimeSpan.FromMinutes(1), Ledger.Token);
        Assert.NotNull(grant);
        return new SettlementFence(Lease, grant.Epoch);
    }
}

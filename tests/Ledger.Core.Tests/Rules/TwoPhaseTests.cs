using Ledger.Core.Commit;
using Ledger.Core.Domain;
using Ledger.Core.Tests.Infrastructure;
using static Ledger.Core.Tests.Infrastructure.Build;
using R = Ledger.Core.Domain.CreateTransferResult;

namespace Ledger.Core.Tests.Rules;

public sealed class SqliteTwoPhaseTests(SqliteStoreFixture fixture) : TwoPhaseTests<SqliteStoreFixture>(fixture);

public sealed class PostgresTwoPhaseTests(PostgresStoreFixture fixture) : TwoPhaseTests<PostgresStoreFixture>(fixture);

/// <summary>Pending transfers through their life: posted in full or in part, voided, expired; history; engine lifecycle.</summary>
public abstract class TwoPhaseTests<TFixture>(TFixture fixture) : LedgerTestBase<TFixture>(fixture)
    where TFixture : class, ILedgerStoreFixture
{
    private static readonly UInt128 A = 1, B = 2, C = 3;

    private async Task SeedAsync(AccountFlags aFlags = AccountFlags.None)
    {
        await Ledger.CreateAccountsCreatedAsync(Account(A, flags: aFlags), Account(B, flags: AccountFlags.History), Account(C));
        Ledger.Clock.Advance(TimeSpan.FromSeconds(1));
    }

    [Fact]
    public async Task Pending_holds_then_post_of_the_whole_amount_moves_it_to_posted()
    {
        await SeedAsync();
        var created = await Ledger.CreatedAsync(Pending(100, A, B, 40) with { UserData128 = 5, UserData32 = 6 });
        await Ledger.AssertBalancesAsync(A, 40, 0, 0, 0);
        await Ledger.AssertBalancesAsync(B, 0, 0, 40, 0);
        var state = (await Ledger.TransferAsync(100)).Pending;
        Assert.Equal(new PendingState(100, PendingStatus.Pending, 0, 0), state);

        var posted = await Ledger.CreatedAsync(Post(101, 100));

        await Ledger.AssertBalancesAsync(A, 0, 40, 0, 0);
        await Ledger.AssertBalancesAsync(B, 0, 0, 0, 40);
        var post = await Ledger.TransferAsync(101);
        Assert.Equal(
            new Transfer
            {
                Id = 101, DebitAccountId = A, CreditAccountId = B, Amount = 40, PendingId = 100, UserData128 = 5, UserData32 = 6,
                Ledger = 1, Code = 1, Flags = TransferFlags.PostPending, Timestamp = posted[0].Timestamp,
            },
            post.Transfer);
        Assert.Null(post.Pending);
        Assert.Equal(new PendingState(100, PendingStatus.Posted, 0, posted[0].Timestamp), (await Ledger.TransferAsync(100)).Pending);
        Assert.True(created[0].Timestamp < posted[0].Timestamp);
        await Ledger.AssertBooksBalanceAsync();
    }

    [Fact]
    public async Task Post_of_the_exact_amount_is_a_full_post()
    {
        await SeedAsync();
        await Ledger.CreatedAsync(Pending(100, A, B, 40), Post(101, 100, 40));
        await Ledger.AssertBalancesAsync(A, 0, 40, 0, 0);
    }

    [Fact]
    public async Task Partial_post_moves_the_part_and_releases_the_rest()
    {
        await SeedAsync();
        await Ledger.CreatedAsync(Pending(100, A, B, 40), Pending(101, A, C, 7));

        await Ledger.CreatedAsync(Post(102, 100, 15));

        await Ledger.AssertBalancesAsync(A, 7, 15, 0, 0);
        await Ledger.AssertBalancesAsync(B, 0, 0, 0, 15);
        Assert.Equal((UInt128)15, (await Ledger.TransferAsync(102)).Transfer.Amount);
        Assert.Equal(R.PendingTransferAlreadyPosted, await Ledger.ResultAsync(Post(103, 100, 25)));
        await Ledger.AssertBooksBalanceAsync();
    }

    [Fact]
    public async Task Void_releases_the_hold_and_records_the_pending_amount()
    {
        await SeedAsync(aFlags: AccountFlags.DebitsMustNotExceedCredits);
        await Ledger.CreatedAsync(Transfer(99, C, A, 50), Pending(100, A, B, 50));
        Assert.Equal(R.ExceedsCredits, await Ledger.ResultAsync(Transfer(101, A, B, 1)));

        await Ledger.CreatedAsync(Void(102, 100));

        await Ledger.AssertBalancesAsync(A, 0, 0, 0, 50);
        await Ledger.AssertBalancesAsync(B, 0, 0, 0, 0);
        Assert.Equal((UInt128)50, (await Ledger.TransferAsync(102)).Transfer.Amount);
        Assert.Equal(PendingStatus.Voided, (await Ledger.TransferAsync(100)).Pending?.Status);
        Assert.Equal(R.Created, await Ledger.ResultAsync(Transfer(101, A, B, 50)));
    }

    [Fact]
    public async Task Post_after_void_and_void_after_post_are_refused()
    {
        await SeedAsync();
        await Ledger.CreatedAsync(Pending(100, A, B, 10), Pending(101, A, B, 20));
        await Ledger.CreatedAsync(Void(102, 100), Post(103, 101));

        Assert.Equal([R.PendingTransferAlreadyVoided, R.PendingTransferAlreadyPosted], await Ledger.ResultsAsync(Post(104, 100), Void(105, 101)));
        await Ledger.AssertBalancesAsync(A, 0, 20, 0, 0);
    }

    [Fact]
    public async Task Post_and_void_of_one_pending_transfer_in_one_request_first_wins()
    {
        await SeedAsync();
        await Ledger.CreatedAsync(Pending(100, A, B, 10));
        Assert.Equal([R.Created, R.PendingTransferAlreadyPosted, R.PendingTransferAlreadyPosted], await Ledger.ResultsAsync(Post(101, 100, 3), Void(102, 100), Post(103, 100)));
        await Ledger.AssertBalancesAsync(A, 0, 3, 0, 0);
    }

    [Fact]
    public async Task Expiry_pulse_releases_only_what_is_due_oldest_first_and_posts_the_rest()
    {
        await SeedAsync();
        await Ledger.CreatedAsync(Pending(100, A, B, 1, timeoutSeconds: 10), Pending(101, A, B, 2, timeoutSeconds: 20), Pending(102, A, B, 4, timeoutSeconds: 30));
        Ledger.Clock.Advance(TimeSpan.FromSeconds(20));
        Assert.Equal(1, await Ledger.ExpireAsync());

        // The second was created one nanosecond after the first: it is due one tick later.
        Ledger.Clock.Advance(TimeSpan.FromTicks(1));
        Assert.Equal(1, await Ledger.ExpireAsync());

        await Ledger.AssertBalancesAsync(A, 4, 0, 0, 0);
        Assert.Equal(PendingStatus.Expired, (await Ledger.TransferAsync(100)).Pending?.Status);
        Assert.Equal(PendingStatus.Expired, (await Ledger.TransferAsync(101)).Pending?.Status);
        Assert.Equal(R.Created, await Ledger.ResultAsync(Post(103, 102)));
        await Ledger.AssertBalancesAsync(A, 0, 4, 0, 0);
        await Ledger.AssertBooksBalanceAsync();
    }

    [Fact]
    public async Task Expiry_pulse_moves_the_head_but_adds_nothing_to_the_log()
    {
        await SeedAsync();
        await Ledger.CreatedAsync(Pending(100, A, B, 1, timeoutSeconds: 1));
        var before = await Ledger.Store.GetHeadAsync(Ledger.Token);
        Ledger.Clock.Advance(TimeSpan.FromSeconds(2));

        Assert.Equal(1, await Ledger.ExpireAsync());

        var after = await Ledger.Store.GetHeadAsync(Ledger.Token);
        Assert.Equal(before.LogSize, after.LogSize);
        Assert.True(after.LastTimestamp > before.LastTimestamp);
        var state = (await Ledger.TransferAsync(100)).Pending!.Value;
        Assert.Equal(after.LastTimestamp, state.ResolvedAt);
        var next = await Ledger.CreatedAsync(Transfer(101, A, B, 1));
        Assert.True(next[0].Timestamp > state.ResolvedAt);
    }

    [Fact]
    public async Task History_account_records_its_balances_after_each_transfer()
    {
        await SeedAsync();
        var first = await Ledger.CreatedAsync(Pending(100, A, B, 10), Transfer(101, A, C, 1));
        var second = await Ledger.CreatedAsync(Post(102, 100, 4), Transfer(103, C, B, 2));

        var history = await Ledger.Store.GetAccountBalancesAsync(B, 0, LedgerLimits.HistoryPageMax, Ledger.Token);

        Assert.Equal(
            [
                new AccountBalance(B, first[0].Timestamp, 0, 0, 10, 0),
                new AccountBalance(B, second[0].Timestamp, 0, 0, 0, 4),
                new AccountBalance(B, second[1].Timestamp, 0, 0, 0, 6),
            ],
            history);
        Assert.Empty(await Ledger.Store.GetAccountBalancesAsync(A, 0, LedgerLimits.HistoryPageMax, Ledger.Token));
        Assert.Single(await Ledger.Store.GetAccountBalancesAsync(B, second[0].Timestamp, LedgerLimits.HistoryPageMax, Ledger.Token));
    }

    [Fact]
    public async Task Account_transfers_are_listed_oldest_first()
    {
        await SeedAsync();
        var created = await Ledger.CreatedAsync(Transfer(100, A, B, 1), Transfer(101, C, A, 2), Transfer(102, B, C, 3), Pending(103, A, C, 4));
        var listed = await Ledger.Store.GetAccountTransfersAsync(A, 0, 10, Ledger.Token);
        Assert.Equal([(UInt128)100, 101, 103], listed.Select(t => t.Transfer.Id));
        Assert.Equal([0UL, 1, 3], listed.Select(t => t.LogIndex));
        Assert.Equal([(UInt128)101, 103], (await Ledger.Store.GetAccountTransfersAsync(A, created[0].Timestamp, 10, Ledger.Token)).Select(t => t.Transfer.Id));
        Assert.Equal(PendingStatus.Pending, listed[2].Pending?.Status);
    }

    [Fact]
    public async Task Engine_starts_once_and_refuses_work_once_disposed()
    {
        await SeedAsync();
        Assert.Throws<InvalidOperationException>(Ledger.Engine.Start);
        var engine = new LedgerEngine(Ledger.Store, Ledger.Clock);
        engine.Start();
        Assert.Equal(R.Created, (await engine.CreateTransfersAsync([Transfer(100, A, B, 1)], 0, Ledger.Token)).Results[0].Result);

        await engine.DisposeAsync();

        var refused = await Record.ExceptionAsync(() => engine.CreateTransfersAsync([Transfer(101, A, B, 1)], 0, Ledger.Token));
        Assert.IsType<LedgerUnavailableException>(refused);
        Assert.False(await Ledger.TransferExistsAsync(101));
    }

    [Fact]
    public async Task Engine_dispose_is_idempotent()
    {
        await SeedAsync();
        var engine = new LedgerEngine(Ledger.Store, Ledger.Clock);
        engine.Start();
        await engine.DisposeAsync();
        var second = await Record.ExceptionAsync(async () => await engine.DisposeAsync());
        Assert.Null(second);
    }
}

using Ledger.Core.Domain;
using Ledger.Core.Storage;
using Ledger.Core.Tests.Infrastructure;
using Ledger.Storage.Postgres;
using static Ledger.Core.Tests.Infrastructure.Build;

namespace Ledger.Core.Tests.Stores;

/// <summary>
/// Commit sessions of different stores (different processes, in a cluster) over one database: one at a
/// time, each starting from the head the previous one left, and one that dies releases the others.
/// </summary>
public sealed class PostgresCommitLockTests(PostgresStoreFixture fixture) : IClassFixture<PostgresStoreFixture>, IAsyncLifetime
{
    private static readonly TimeSpan Blocked = TimeSpan.FromMilliseconds(300);

    private readonly CancellationTokenSource deadline = new(LedgerHarness.Deadline);
    private PostgresNodes? nodes;

    private PostgresNodes Nodes => nodes ?? throw new InvalidOperationException("Not initialised.");

    private PostgresLedgerStore First => Nodes.Stores[0];

    private PostgresLedgerStore Second => Nodes.Stores[1];

    private CancellationToken Token => deadline.Token;

    public async Task InitializeAsync() => nodes = await PostgresNodes.CreateAsync(fixture, 2, initialize: true, Token);

    public async Task DisposeAsync()
    {
        if (nodes is not null)
        {
            await nodes.DisposeAsync();
        }

        deadline.Dispose();
    }

    [Fact]
    public async Task A_second_store_waits_for_the_open_session_then_reads_the_head_it_committed()
    {
        LedgerHead committed;
        Task<ICommitSession> waiting;
        await using (var session = await First.BeginCommitAsync(Token))
        {
            waiting = Second.BeginCommitAsync(Token).AsTask();
            await Task.Delay(Blocked, Token);
            Assert.False(waiting.IsCompleted, "the second store's session began while the first was open");

            committed = new LedgerHead(session.Head.LastTimestamp + 1, session.Head.LogSize);
            await session.CommitAsync(AccountBatch(session.Head, committed, Account(1) with { Timestamp = committed.LastTimestamp }), Token);
        }

        await using var next = await waiting.WaitAsync(Token);
        Assert.Equal(committed, next.Head);
        Assert.NotNull(await Second.GetAccountAsync(1, Token));
    }

    [Fact]
    public async Task A_session_disposed_without_commit_rolls_back_and_lets_the_next_in()
    {
        Task<ICommitSession> waiting;
        await using (var session = await First.BeginCommitAsync(Token))
        {
            waiting = Second.BeginCommitAsync(Token).AsTask();
            await Task.Delay(Blocked, Token);
            Assert.False(waiting.IsCompleted);
        }

        await using var next = await waiting.WaitAsync(Token);
        Assert.Equal(new LedgerHead(0, 0), next.Head);
    }

    [Fact]
    public async Task A_session_whose_process_died_rolls_back_and_releases_the_commit_lock()
    {
        var session = await First.BeginCommitAsync(Token);
        var waiting = Second.BeginCommitAsync(Token).AsTask();
        await Task.Delay(Blocked, Token);
        Assert.False(waiting.IsCompleted);

        // The server ends the holder's backend, as it does when the holder's process dies and its socket closes.
        await using (var admin = await fixture.OpenAdminConnectionAsync(Token))
        await using (var kill = new Npgsql.NpgsqlCommand(
            """
            SELECT count(pg_terminate_backend(l.pid)) FROM pg_locks l JOIN pg_database d ON d.oid = l.database
            WHERE l.locktype = 'advisory' AND l.granted AND d.datname = $1
            """,
            admin))
        {
            kill.Parameters.Add(new Npgsql.NpgsqlParameter<string> { TypedValue = Nodes.Database });
            Assert.Equal(1L, await kill.ExecuteScalarAsync(Token));
        }

        await using var next = await waiting.WaitAsync(Token);
        Assert.Equal(new LedgerHead(0, 0), next.Head);
        await Assert.ThrowsAnyAsync<Exception>(() => session.CommitAsync(AccountBatch(session.Head, new LedgerHead(1, 0), Account(1) with { Timestamp = 1 }), Token).AsTask());
        await session.DisposeAsync();
    }

    [Fact]
    public async Task A_batch_computed_against_another_head_is_refused()
    {
        await using var session = await First.BeginCommitAsync(Token);
        var stale = new LedgerHead(session.Head.LastTimestamp + 5, session.Head.LogSize);

        await Assert.ThrowsAsync<InvalidOperationException>(() =>
            session.CommitAsync(AccountBatch(stale, new LedgerHead(stale.LastTimestamp + 1, stale.LogSize), Account(1) with { Timestamp = stale.LastTimestamp + 1 }), Token).AsTask());
    }

    [Fact]
    public async Task An_update_of_an_account_that_does_not_exist_is_refused_and_rolls_back()
    {
        await using (var session = await First.BeginCommitAsync(Token))
        {
            var head = new LedgerHead(session.Head.LastTimestamp + 1, session.Head.LogSize);
            var batch = AccountBatch(session.Head, head, Account(1) with { Timestamp = head.LastTimestamp });
            var update = new CommitBatch
            {
                PreviousHead = batch.PreviousHead,
                NewHead = batch.NewHead,
                AccountsCreated = batch.AccountsCreated,
                AccountsUpdated = [Account(2) with { Timestamp = 1 }],
                TransfersCreated = [],
                PendingCreated = [],
                PendingUpdated = [],
                BalancesRecorded = [],
            };

            await Assert.ThrowsAsync<InvalidOperationException>(() => session.CommitAsync(update, Token).AsTask());
        }

        Assert.Null(await First.GetAccountAsync(1, Token));
        Assert.Equal(new LedgerHead(0, 0), await First.GetHeadAsync(Token));
    }

    private static CommitBatch AccountBatch(LedgerHead previous, LedgerHead next, Account account) => new()
    {
        PreviousHead = previous,
        NewHead = next,
        AccountsCreated = [account],
        AccountsUpdated = [],
        TransfersCreated = [],
        PendingCreated = [],
        PendingUpdated = [],
        BalancesRecorded = [],
    };
}

using System.Diagnostics;
using Ledger.Core.Domain;
using Ledger.Core.Merkle;
using Ledger.Core.Storage;

namespace Ledger.Bench;

/// <summary>
/// <c>--profile</c>: wraps a store and times each step of every commit session, so the engine figure can be
/// split into where the time of one batch goes: opening the session (the commit lock and the head), the
/// loads, the write-and-commit, and what is left inside the engine (the state machine and the queue).
/// </summary>
internal sealed class ProfilingStore(ILedgerStore inner) : ILedgerStore
{
    private readonly Stopwatch wall = new();
    private long sessions;
    private long begin;
    private long loadTransfers;
    private long loadPending;
    private long loadAccounts;
    private long commit;
    private long sessionOpen;
    private long transfersWritten;

    /// <summary>Starts counting from here: account creation before the measured run stays out.</summary>
    public void Reset()
    {
        sessions = begin = loadTransfers = loadPending = loadAccounts = commit = sessionOpen = transfersWritten = 0;
        wall.Restart();
    }

    public void Report(string label, TextWriter log)
    {
        var elapsed = wall.Elapsed.TotalMilliseconds;
        var count = Math.Max(1, sessions);
        double PerBatch(long ticks) => Stopwatch.GetElapsedTime(0, ticks).TotalMilliseconds / count;
        var storeSteps = PerBatch(loadTransfers) + PerBatch(loadPending) + PerBatch(loadAccounts) + PerBatch(commit);
        log.WriteLine($"{label} profile: {sessions} commits of {transfersWritten / (double)count:F0} transfers, {elapsed / count:F1} ms wall per commit: " +
            $"begin (lock, head) {PerBatch(begin):F1} ms, load transfers {PerBatch(loadTransfers):F1} ms, load pending {PerBatch(loadPending):F1} ms, " +
            $"load accounts {PerBatch(loadAccounts):F1} ms, write and commit {PerBatch(commit):F1} ms, " +
            $"rest of the session (state machine) {PerBatch(sessionOpen) - storeSteps:F1} ms, between sessions {elapsed / count - PerBatch(begin) - PerBatch(sessionOpen):F1} ms");
    }

    public async ValueTask<ICommitSession> BeginCommitAsync(CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var session = await inner.BeginCommitAsync(cancellationToken);
        var opened = Stopwatch.GetTimestamp();
        Interlocked.Add(ref begin, opened - started);
        return new Session(this, session, opened);
    }

    public ValueTask InitializeAsync(CancellationToken cancellationToken) => inner.InitializeAsync(cancellationToken);

    public ValueTask<LedgerHead> GetHeadAsync(CancellationToken cancellationToken) => inner.GetHeadAsync(cancellationToken);

    public ValueTask<Account?> GetAccountAsync(UInt128 id, CancellationToken cancellationToken) => inner.GetAccountAsync(id, cancellationToken);

    public ValueTask<StoredTransfer?> GetTransferAsync(UInt128 id, CancellationToken cancellationToken) => inner.GetTransferAsync(id, cancellationToken);

    public ValueTask<IReadOnlyList<StoredTransfer>> GetAccountTransfersAsync(UInt128 accountId, ulong afterTimestamp, int limit, CancellationToken cancellationToken) =>
        inner.GetAccountTransfersAsync(accountId, afterTimestamp, limit, cancellationToken);

    public ValueTask<IReadOnlyList<AccountBalance>> GetAccountBalancesAsync(UInt128 accountId, ulong afterTimestamp, int limit, CancellationToken cancellationToken) =>
        inner.GetAccountBalancesAsync(accountId, afterTimestamp, limit, cancellationToken);

    public ValueTask<IReadOnlyList<LedgerTotals>> GetLedgerTotalsAsync(CancellationToken cancellationToken) => inner.GetLedgerTotalsAsync(cancellationToken);

    public ValueTask<ulong?> GetNextExpiryAsync(CancellationToken cancellationToken) => inner.GetNextExpiryAsync(cancellationToken);

    public ValueTask DisposeAsync() => inner.DisposeAsync();

    private sealed class Session(ProfilingStore owner, ICommitSession inner, long opened) : ICommitSession
    {
        public LedgerHead Head => inner.Head;

        public async ValueTask LoadAccountsAsync(IReadOnlyCollection<UInt128> ids, IDictionary<UInt128, Account> into, CancellationToken cancellationToken)
        {
            var started = Stopwatch.GetTimestamp();
            await inner.LoadAccountsAsync(ids, into, cancellationToken);
            Interlocked.Add(ref owner.loadAccounts, Stopwatch.GetTimestamp() - started);
        }

        public async ValueTask LoadTransfersAsync(IReadOnlyCollection<UInt128> ids, IDictionary<UInt128, Transfer> into, CancellationToken cancellationToken)
        {
            var started = Stopwatch.GetTimestamp();
            await inner.LoadTransfersAsync(ids, into, cancellationToken);
            Interlocked.Add(ref owner.loadTransfers, Stopwatch.GetTimestamp() - started);
        }

        public async ValueTask LoadPendingAsync(IReadOnlyCollection<UInt128> ids, IDictionary<UInt128, PendingState> into, CancellationToken cancellationToken)
        {
            var started = Stopwatch.GetTimestamp();
            await inner.LoadPendingAsync(ids, into, cancellationToken);
            Interlocked.Add(ref owner.loadPending, Stopwatch.GetTimestamp() - started);
        }

        public ValueTask<IReadOnlyList<PendingState>> LoadExpiredPendingAsync(ulong now, int limit, CancellationToken cancellationToken) =>
            inner.LoadExpiredPendingAsync(now, limit, cancellationToken);

        public ValueTask<IReadOnlyList<MerkleNode>> LoadMerkleFrontierAsync(ulong size, CancellationToken cancellationToken) =>
            inner.LoadMerkleFrontierAsync(size, cancellationToken);

        public async ValueTask CommitAsync(CommitBatch batch, CancellationToken cancellationToken)
        {
            var started = Stopwatch.GetTimestamp();
            await inner.CommitAsync(batch, cancellationToken);
            Interlocked.Add(ref owner.commit, Stopwatch.GetTimestamp() - started);
            Interlocked.Add(ref owner.transfersWritten, batch.TransfersCreated.Count);
        }

        public async ValueTask DisposeAsync()
        {
            await inner.DisposeAsync();
            Interlocked.Add(ref owner.sessionOpen, Stopwatch.GetTimestamp() - opened);
            Interlocked.Increment(ref owner.sessions);
        }
    }
}

using System.Diagnostics;
using System.Threading.Channels;
using Ledger.Core.Domain;
using Ledger.Core.Merkle;
using Ledger.Core.StateMachine;
using Ledger.Core.Storage;

namespace Ledger.Core.Commit;

/// <summary>
/// Group commit. Requests from any number of callers queue here; one writer takes as many as fit in
/// <see cref="LedgerLimits.EventsPerBatchMax"/> events, loads what they touch, runs the state machine, and
/// writes the result in one durable transaction. While one batch is being written the next one gathers,
/// so under load each fsync carries thousands of events.
/// </summary>
public sealed class LedgerEngine : IAsyncDisposable
{
    /// <summary>How many requests may wait for the writer before callers are made to wait to enqueue.</summary>
    public const int QueuedRequestsMax = 4096;

    private readonly ILedgerStore store;
    private readonly TimeProvider clock;
    private readonly Channel<Work> queue = Channel.CreateBounded<Work>(new BoundedChannelOptions(QueuedRequestsMax)
    {
        SingleReader = true,
        FullMode = BoundedChannelFullMode.Wait,
    });

    private readonly CancellationTokenSource stopping = new();
    private Task? writer;
    private Work? carried;
    private int disposed;

    public LedgerEngine(ILedgerStore store, TimeProvider clock)
    {
        this.store = store;
        this.clock = clock;
    }

    public EngineMetrics Metrics { get; } = new();

    /// <summary>Set when the writer stopped on a broken invariant; the engine accepts nothing after that.</summary>
    public Exception? Fault { get; private set; }

    public void Start()
    {
        if (writer is not null)
        {
            throw new InvalidOperationException("The engine is already started.");
        }

        writer = Task.Run(() => WriteLoopAsync(stopping.Token));
    }

    public async Task<CreateTransfersOutcome> CreateTransfersAsync(IReadOnlyList<Transfer> transfers, UInt128 principal, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(transfers);
        var outcome = await SubmitAsync(new CreateTransfersRequest(transfers, principal), cancellationToken);
        return (CreateTransfersOutcome)outcome;
    }

    public async Task<CreateAccountsOutcome> CreateAccountsAsync(IReadOnlyList<Account> accounts, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(accounts);
        var outcome = await SubmitAsync(new CreateAccountsRequest(accounts), cancellationToken);
        return (CreateAccountsOutcome)outcome;
    }

    /// <summary>Releases the holds of pending transfers whose timeout has passed; returns how many expired.</summary>
    public async Task<int> ExpirePendingAsync(CancellationToken cancellationToken)
    {
        var outcome = await SubmitAsync(null, cancellationToken);
        return (int)outcome;
    }

    private async Task<object> SubmitAsync(LedgerRequest? request, CancellationToken cancellationToken)
    {
        if (request is not null && (request.EventCount == 0 || request.EventCount > LedgerLimits.EventsPerBatchMax))
        {
            throw new ArgumentOutOfRangeException(nameof(request), $"A request holds 1 to {LedgerLimits.EventsPerBatchMax} events.");
        }

        if (Fault is not null)
        {
            throw new LedgerUnavailableException("The ledger engine stopped on a fault.", Fault);
        }

        var work = new Work(request, Stopwatch.GetTimestamp());
        try
        {
            await queue.Writer.WriteAsync(work, cancellationToken);
        }
        catch (ChannelClosedException)
        {
            throw new LedgerUnavailableException("The ledger engine is stopping.");
        }

        // The caller may stop waiting, but a request that reached the queue is committed or failed as a
        // whole regardless; the client learns which by retrying with the same ids.
        return await work.Completion.Task.WaitAsync(cancellationToken);
    }

    private async Task WriteLoopAsync(CancellationToken cancellationToken)
    {
        var batch = new List<Work>();
        try
        {
            await VerifyBooksAsync(cancellationToken);
            while (await WaitForWorkAsync(cancellationToken))
            {
                batch.Clear();
                var first = carried ?? await queue.Reader.ReadAsync(cancellationToken);
                carried = null;
                batch.Add(first);
                if (first.Request is null)
                {
                    await RunExpiryAsync(first, cancellationToken);
                    continue;
                }

                var events = first.Request.EventCount;
                while (queue.Reader.TryRead(out var next))
                {
                    if (next.Request is null || events + next.Request.EventCount > LedgerLimits.EventsPerBatchMax)
                    {
                        carried = next;
                        break;
                    }

                    events += next.Request.EventCount;
                    batch.Add(next);
                }

                await RunBatchAsync(batch, events, cancellationToken);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopping: whatever is still queued fails below.
        }
        catch (LedgerInvariantException exception)
        {
            Fault = exception;
        }

        var reason = Fault is null ? new LedgerUnavailableException("The ledger engine is stopping.") : new LedgerUnavailableException("The ledger engine stopped on a fault.", Fault);
        carried?.Completion.TrySetException(reason);
        while (queue.Reader.TryRead(out var left))
        {
            left.Completion.TrySetException(reason);
        }
    }

    /// <summary>
    /// Before the first commit, every ledger's debits must equal its credits over all accounts. A store
    /// that fails this was changed behind the engine's back; the engine refuses to build on it.
    /// </summary>
    private async Task VerifyBooksAsync(CancellationToken cancellationToken)
    {
        foreach (var totals in await store.GetLedgerTotalsAsync(cancellationToken))
        {
            if (!totals.Balanced)
            {
                throw new LedgerInvariantException($"Ledger {totals.Ledger} does not balance in the store: debits and credits differ.");
            }
        }
    }

    private async ValueTask<bool> WaitForWorkAsync(CancellationToken cancellationToken) =>
        carried is not null || await queue.Reader.WaitToReadAsync(cancellationToken);

    private async Task RunBatchAsync(List<Work> batch, int events, CancellationToken cancellationToken)
    {
        var requests = new LedgerRequest[batch.Count];
        for (var i = 0; i < batch.Count; i++)
        {
            requests[i] = batch[i].Request!;
        }

        BatchExecution execution;
        try
        {
            await using var session = await store.BeginCommitAsync(cancellationToken);
            var set = new WorkingSet();
            await session.LoadTransfersAsync(LedgerStateMachine.PlanTransfers(requests), set.Transfers, cancellationToken);
            var pendingIds = new List<UInt128>();
            foreach (var t in set.Transfers.Values)
            {
                if ((t.Flags & TransferFlags.Pending) != 0)
                {
                    pendingIds.Add(t.Id);
                }
            }

            await session.LoadPendingAsync(pendingIds, set.Pending, cancellationToken);
            await session.LoadAccountsAsync(LedgerStateMachine.PlanAccounts(requests, set.Transfers), set.Accounts, cancellationToken);
            execution = LedgerStateMachine.Execute(set, requests, session.Head, NowNanoseconds());
            if (!execution.Batch.IsEmpty)
            {
                await session.CommitAsync(await AppendToTreeAsync(session, execution.Batch, cancellationToken), cancellationToken);
            }
        }
        catch (LedgerInvariantException)
        {
            Fail(batch, new LedgerUnavailableException("The ledger engine stopped on a fault."));
            throw;
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // A storage fault: the transaction rolled back, nothing of this batch is committed.
            Fail(batch, exception);
            return;
        }

        Metrics.RecordBatch(events, execution.Batch.TransfersCreated.Count, execution.Batch.AccountsCreated.Count);
        var done = Stopwatch.GetTimestamp();
        for (var i = 0; i < batch.Count; i++)
        {
            Metrics.RecordCommitLatency(Stopwatch.GetElapsedTime(batch[i].Enqueued, done).TotalMilliseconds);
            batch[i].Completion.TrySetResult(execution.Outcomes[i]);
        }
    }

    private async Task RunExpiryAsync(Work work, CancellationToken cancellationToken)
    {
        try
        {
            await using var session = await store.BeginCommitAsync(cancellationToken);
            var now = NowNanoseconds();
            var expired = await session.LoadExpiredPendingAsync(LedgerStateMachine.FirstTimestamp(session.Head, now), LedgerLimits.ExpiriesPerPulseMax, cancellationToken);
            var set = new WorkingSet();
            var ids = new List<UInt128>(expired.Count);
            foreach (var state in expired)
            {
                set.Pending[state.Id] = state;
                ids.Add(state.Id);
            }

            await session.LoadTransfersAsync(ids, set.Transfers, cancellationToken);
            var accountIds = new HashSet<UInt128>();
            foreach (var t in set.Transfers.Values)
            {
                accountIds.Add(t.DebitAccountId);
                accountIds.Add(t.CreditAccountId);
            }

            await session.LoadAccountsAsync(accountIds, set.Accounts, cancellationToken);
            var execution = LedgerStateMachine.Expire(set, expired, session.Head, now);
            if (!execution.Batch.IsEmpty)
            {
                await session.CommitAsync(await AppendToTreeAsync(session, execution.Batch, cancellationToken), cancellationToken);
            }

            var count = (int)execution.Outcomes[0];
            Metrics.RecordExpired(count);
            work.Completion.TrySetResult(count);
        }
        catch (LedgerInvariantException)
        {
            work.Completion.TrySetException(new LedgerUnavailableException("The ledger engine stopped on a fault."));
            throw;
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            work.Completion.TrySetException(exception);
        }
    }

    /// <summary>
    /// The batch with the Merkle nodes its transfers complete, so the tree is written in the same
    /// transaction as the log it covers. Only the right edge of the current tree is read (at most 64 nodes).
    /// </summary>
    private static async ValueTask<CommitBatch> AppendToTreeAsync(ICommitSession session, CommitBatch batch, CancellationToken cancellationToken)
    {
        if (batch.TransfersCreated.Count == 0)
        {
            return batch;
        }

        var frontier = await session.LoadMerkleFrontierAsync(batch.PreviousHead.LogSize, cancellationToken);
        var extension = MerkleFrontier.Extend(batch.PreviousHead.LogSize, frontier, LogLeaves.Hash(batch.TransfersCreated));
        BatchInvariants.AssertLogExtension(batch, extension);
        return batch.WithMerkleNodes(extension.NewNodes);
    }

    private static void Fail(List<Work> batch, Exception exception)
    {
        foreach (var work in batch)
        {
            work.Completion.TrySetException(exception);
        }
    }

    private ulong NowNanoseconds()
    {
        var ticks = clock.GetUtcNow().UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks;
        return (ulong)ticks * 100UL;
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref disposed, 1) == 1)
        {
            return;
        }

        queue.Writer.TryComplete();
        await stopping.CancelAsync();
        if (writer is not null)
        {
            await writer;
        }

        stopping.Dispose();
    }

    private sealed class Work(LedgerRequest? request, long enqueued)
    {
        public LedgerRequest? Request { get; } = request;

        public long Enqueued { get; } = enqueued;

        public TaskCompletionSource<object> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}

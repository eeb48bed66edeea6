using System.Diagnostics;
using Ledger.Core.Cluster;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Ledger.Silo.Leadership;

/// <summary>
/// Keeps this silo's claim on the leader lease. Every <see cref="SiloLeaseOptions.RenewInterval"/> it
/// asks the store for the lease: the leader renews, a standby takes it once the leader's grant has lapsed
/// in the database. The leader counts its grant from before the request on the monotonic clock, so it
/// steps down (its term's token is cancelled) before the database could hand the lease to anyone else,
/// even when the store stops answering. At shutdown the lease is released so a standby takes over at once.
/// </summary>
public sealed partial class LeaderElection : BackgroundService
{
    private readonly ILeaseStore leases;
    private readonly SiloLeaseOptions options;
    private readonly ILogger<LeaderElection> logger;
    private readonly Lock gate = new();
    private TaskCompletionSource<LeaderTerm> nextTerm = NewTermSource();
    private LeaderTerm? term;
    private long deadline;
    private long termsBegun;

    public LeaderElection(ILeaseStore leases, SiloLeaseOptions options, ILogger<LeaderElection> logger)
    {
        this.leases = leases;
        this.options = options;
        this.logger = logger;
    }

    /// <summary>True while this node is the leader.</summary>
    public bool IsLeader
    {
        get
        {
            lock (gate)
            {
                return term is { HasEnded: false };
            }
        }
    }

    /// <summary>The epoch of the current term, or 0 when this node is not the leader.</summary>
    public long Epoch
    {
        get
        {
            lock (gate)
            {
                return term is { HasEnded: false } current ? current.Epoch : 0;
            }
        }
    }

    /// <summary>How many terms this node has begun since it started.</summary>
    public long TermsBegun => Interlocked.Read(ref termsBegun);

    public string Holder => options.Holder;

    /// <summary>Waits until this node leads and returns the running term.</summary>
    public async Task<LeaderTerm> WaitForTermAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            Task<LeaderTerm> waiting;
            lock (gate)
            {
                if (term is { HasEnded: false } current)
                {
                    return current;
                }

                waiting = nextTerm.Task;
            }

            var begun = await waiting.WaitAsync(cancellationToken);
            if (!begun.HasEnded)
            {
                return begun;
            }
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                await ClaimOnceAsync(stoppingToken);
                await Task.Delay(NextWait(), stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: the term ends and the lease is released below.
        }
        finally
        {
            await StepDownAndReleaseAsync();
        }
    }

    private async Task ClaimOnceAsync(CancellationToken stoppingToken)
    {
        var asked = Stopwatch.GetTimestamp();

        // A request that outlives the grant is as good as a refusal: the wait is bounded by what is left.
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        timeout.CancelAfter(IsLeader ? Max(Remaining(), TimeSpan.FromMilliseconds(1)) : options.RenewInterval);
        LeaseGrant? grant;
        try
        {
            grant = await leases.TryAcquireAsync(SiloLeaseOptions.LeaseName, options.Holder, options.Duration, timeout.Token);
        }
        catch (Exception exception) when (!stoppingToken.IsCancellationRequested)
        {
            LogClaimFailed(logger, exception);
            if (Remaining() <= TimeSpan.Zero)
            {
                EndTerm("its lease could not be renewed in time");
            }

            return;
        }

        if (grant is null)
        {
            EndTerm("another silo holds the lease");
            return;
        }

        lock (gate)
        {
            deadline = asked + (long)((options.Duration - options.StepDownMargin).TotalSeconds * Stopwatch.Frequency);
            if (term is { HasEnded: false } current && current.Epoch == grant.Epoch)
            {
                return;
            }
        }

        EndTerm("the lease passed to a new epoch");
        BeginTerm(grant.Epoch);
    }

    private void BeginTerm(long epoch)
    {
        TaskCompletionSource<LeaderTerm> started;
        var begun = new LeaderTerm(epoch);
        lock (gate)
        {
            term = begun;
            started = nextTerm;
            nextTerm = NewTermSource();
        }

        Interlocked.Increment(ref termsBegun);
        LogLeading(logger, options.Holder, epoch);
        started.TrySetResult(begun);
    }

    private void EndTerm(string reason)
    {
        LeaderTerm? ended;
        lock (gate)
        {
            ended = term is { HasEnded: false } ? term : null;
            term = null;
        }

        if (ended is not null)
        {
            ended.End();
            LogSteppedDown(logger, options.Holder, ended.Epoch, reason);
        }
    }

    private async Task StepDownAndReleaseAsync()
    {
        var wasLeader = IsLeader;
        EndTerm("the silo is stopping");
        if (!wasLeader)
        {
            return;
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        try
        {
            await leases.ReleaseAsync(SiloLeaseOptions.LeaseName, options.Holder, timeout.Token);
        }
        catch (Exception exception)
        {
            // The grant lapses on its own; the standby only waits longer.
            LogReleaseFailed(logger, exception);
        }
    }

    /// <summary>The leader wakes in time to step down if renewals keep failing; a standby tries at the renew interval.</summary>
    private TimeSpan NextWait()
    {
        if (!IsLeader)
        {
            return options.RenewInterval;
        }

        var left = Remaining();
        return left < options.RenewInterval ? Max(left, TimeSpan.Zero) : options.RenewInterval;
    }

    private TimeSpan Remaining()
    {
        long until;
        lock (gate)
        {
            until = deadline;
        }

        return TimeSpan.FromSeconds((double)(until - Stopwatch.GetTimestamp()) / Stopwatch.Frequency);
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    private static TaskCompletionSource<LeaderTerm> NewTermSource() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    [LoggerMessage(Level = LogLevel.Information, Message = "Silo {Holder} leads with lease epoch {Epoch}.")]
    private static partial void LogLeading(ILogger logger, string holder, long epoch);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Silo {Holder} stepped down from epoch {Epoch}: {Reason}.")]
    private static partial void LogSteppedDown(ILogger logger, string holder, long epoch, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The silo lease could not be claimed or renewed; retrying.")]
    private static partial void LogClaimFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The silo lease could not be released at shutdown; it lapses on its own.")]
    private static partial void LogReleaseFailed(ILogger logger, Exception exception);
}

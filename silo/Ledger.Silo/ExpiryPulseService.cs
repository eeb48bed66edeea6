using Ledger.Core.Commit;
using Ledger.Core.Domain;
using Ledger.Core.Storage;
using Microsoft.Extensions.Hosting;
using Ledger.Silo.Leadership;
using Microsoft.Extensions.Logging;

namespace Ledger.Silo;

/// <summary>
/// Releases the holds of pending transfers whose timeout has passed (TigerBeetle's expiry pulse). It
/// sleeps until the earliest expiry the store knows of, but never longer than
/// <see cref="RecheckInterval"/>, because transfers committed meanwhile (on this node or another) may
/// expire sooner. When an expiry is due it asks the engine to expire, and repeats while the engine
/// still finds some, since one pulse releases at most <see cref="LedgerLimits.ExpiriesPerPulseMax"/>.
/// It runs only while this silo is the leader (<see cref="LeaderElection"/>), and stops mid-round
/// when the term ends.
/// </summary>
/// <remarks>
/// This is the first stage of the silo's background pipeline. Settlement cutoffs, anchoring,
/// confirmation tracking, payouts and escrow sync come later and will sit beside this service.
/// </remarks>
public sealed partial class ExpiryPulseService : BackgroundService
{
    /// <summary>The longest the service sleeps before asking the store again.</summary>
    public static readonly TimeSpan RecheckInterval = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How long to wait after a pulse that was due but released nothing (the store and the engine
    /// disagree about the clock by a hair): long enough not to spin, short enough not to delay expiry.
    /// It doubles with each further empty pulse in a row, up to <see cref="RecheckInterval"/>.
    /// </summary>
    public static readonly TimeSpan EmptyPulseBackoff = TimeSpan.FromMilliseconds(50);

    /// <summary>The most pulses in a row before the service yields to a fresh look at the store.</summary>
    public const int PulsesPerRoundMax = 64;

    private readonly LedgerEngine engine;
    private readonly ILedgerStore store;
    private readonly TimeProvider clock;
    private readonly LeaderElection election;
    private readonly ILogger<ExpiryPulseService> logger;
    private long expired;
    private int emptyPulsesInARow;

    public ExpiryPulseService(LedgerEngine engine, ILedgerStore store, TimeProvider clock, LeaderElection election, ILogger<ExpiryPulseService> logger)
    {
        this.election = election;
        this.engine = engine;
        this.store = store;
        this.clock = clock;
        this.logger = logger;
    }

    /// <summary>How many pending transfers this service has expired since it started.</summary>
    public long Expired => Interlocked.Read(ref expired);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await election.RunEachTermAsync((_, during) => PulseWhileLeadingAsync(during), stoppingToken);
    }

    /// <summary>The pulse loop of one term; returns when the term ends or the silo stops.</summary>
    private async Task PulseWhileLeadingAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            TimeSpan wait;
            try
            {
                wait = await PulseOnceAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (LedgerUnavailableException exception)
            {
                // The engine is stopping or stopped on a fault; readiness reports the fault. Keep
                // looking at a slow pace rather than taking the host down from a background loop.
                LogEngineUnavailable(logger, exception);
                wait = RecheckInterval;
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                // A storage fault rolled its transaction back; nothing was expired. Retry later.
                LogPulseFailed(logger, exception);
                wait = RecheckInterval;
            }

            try
            {
                await Task.Delay(wait, clock, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
        }
    }

    /// <summary>Runs the pulses that are due and returns how long to sleep before the next look.</summary>
    private async Task<TimeSpan> PulseOnceAsync(CancellationToken cancellationToken)
    {
        var next = await store.GetNextExpiryAsync(cancellationToken);
        if (next is null)
        {
            emptyPulsesInARow = 0;
            return RecheckInterval;
        }

        var now = NowNanoseconds();
        if (next.Value > now)
        {
            emptyPulsesInARow = 0;

            // Round up to whole ticks so the wake-up is never before the expiry.
            var ticksUntil = Math.Min((next.Value - now + 99) / 100, (ulong)RecheckInterval.Ticks);
            return TimeSpan.FromTicks((long)ticksUntil);
        }

        var released = 0;
        for (var pulse = 0; pulse < PulsesPerRoundMax; pulse++)
        {
            var count = await engine.ExpirePendingAsync(cancellationToken);
            if (count <= 0)
            {
                break;
            }

            released += count;
        }

        if (released > 0)
        {
            emptyPulsesInARow = 0;
            Interlocked.Add(ref expired, released);
            LogExpired(logger, released);
            return TimeSpan.Zero;
        }

        emptyPulsesInARow = Math.Min(emptyPulsesInARow + 1, 16);
        var backoff = EmptyPulseBackoff * (1 << (emptyPulsesInARow - 1));
        return backoff < RecheckInterval ? backoff : RecheckInterval;
    }

    private ulong NowNanoseconds()
    {
        var ticks = clock.GetUtcNow().UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks;
        return ticks <= 0 ? 0UL : (ulong)ticks * 100UL;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Expired {Count} pending transfers.")]
    private static partial void LogExpired(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The ledger engine is unavailable; expiry waits.")]
    private static partial void LogEngineUnavailable(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Error, Message = "An expiry pulse failed; it is retried.")]
    private static partial void LogPulseFailed(ILogger logger, Exception exception);
}

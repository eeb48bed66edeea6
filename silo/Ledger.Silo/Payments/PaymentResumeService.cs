using Ledger.Core.Commit;
using Ledger.Core.Payments;
using Ledger.Silo.Leadership;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Ledger.Silo.Payments;

/// <summary>
/// Finishes payment work that a crash left behind: payments and refunds recorded but whose legs were
/// never committed (stage Received, older than <see cref="PaymentOptions.ResumeAfter"/>), and operator
/// decisions on held payments not yet carried out in the ledger. The legs have deterministic ids, so
/// doing the work again is safe: what was committed answers <c>exists</c>. Runs only on the leader.
/// </summary>
public sealed partial class PaymentResumeService(
    PaymentProcessor processor,
    LeaderElection election,
    TimeProvider clock,
    ILogger<PaymentResumeService> logger) : BackgroundService
{
    /// <summary>How often the leader looks for unfinished work.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(5);

    private long resumed;

    /// <summary>How many payments and refunds this service has finished since it started.</summary>
    public long Resumed => Interlocked.Read(ref resumed);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await election.RunEachTermAsync((_, during) => RunDuringTermAsync(during), stoppingToken);
    }

    private async Task RunDuringTermAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                var done = await processor.ResumeAsync(cancellationToken);
                if (done > 0)
                {
                    Interlocked.Add(ref resumed, done);
                    LogResumed(done);
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception) when (exception is LedgerUnavailableException or InvalidOperationException or System.Data.Common.DbException or TimeoutException)
            {
                LogFailed(exception);
            }

            try
            {
                await Task.Delay(Interval, clock, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Finished {Count} payments or refunds left unfinished")]
    private partial void LogResumed(int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Finishing unfinished payments failed; trying again next round")]
    private partial void LogFailed(Exception exception);
}

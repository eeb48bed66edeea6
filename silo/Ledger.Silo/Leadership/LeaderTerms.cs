namespace Ledger.Silo.Leadership;

/// <summary>The loop every leader-only service runs: wait for a term, work during it, wait for the next.</summary>
public static class LeaderTerms
{
    /// <summary>
    /// Until <paramref name="stoppingToken"/> is cancelled: waits for this node to lead, then runs
    /// <paramref name="duringTerm"/> with a token cancelled when the term ends or the service stops, and
    /// waits for the next term once it returns.
    /// </summary>
    public static async Task RunEachTermAsync(this LeaderElection election, Func<LeaderTerm, CancellationToken, Task> duringTerm, CancellationToken stoppingToken)
    {
        ArgumentNullException.ThrowIfNull(election);
        ArgumentNullException.ThrowIfNull(duringTerm);
        while (!stoppingToken.IsCancellationRequested)
        {
            LeaderTerm term;
            try
            {
                term = await election.WaitForTermAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }

            using var during = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, term.Ending);
            await duringTerm(term, during.Token);
        }
    }
}

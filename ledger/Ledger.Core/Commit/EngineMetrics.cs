namespace Ledger.Core.Commit;

/// <summary>Counters and a commit-latency histogram the engine keeps; the API renders them for Prometheus.</summary>
public sealed class EngineMetrics
{
    /// <summary>Upper bounds of the latency buckets, in milliseconds.</summary>
    public static readonly double[] LatencyBucketsMs = [0.5, 1, 2, 5, 10, 20, 50, 100, 250, 500, 1000, 2500];

    private readonly long[] latencyBuckets = new long[LatencyBucketsMs.Length + 1];
    private readonly Lock latencyLock = new();
    private long transfersCommitted;
    private long accountsCreated;
    private long batchesCommitted;
    private long eventsSubmitted;
    private long pendingExpired;
    private double latencySumMs;
    private long latencyCount;

    public long TransfersCommitted => Interlocked.Read(ref transfersCommitted);

    public long AccountsCreated => Interlocked.Read(ref accountsCreated);

    public long BatchesCommitted => Interlocked.Read(ref batchesCommitted);

    public long EventsSubmitted => Interlocked.Read(ref eventsSubmitted);

    public long PendingExpired => Interlocked.Read(ref pendingExpired);

    internal void RecordBatch(int events, int transfers, int accounts)
    {
        Interlocked.Increment(ref batchesCommitted);
        Interlocked.Add(ref eventsSubmitted, events);
        Interlocked.Add(ref transfersCommitted, transfers);
        Interlocked.Add(ref accountsCreated, accounts);
    }

    internal void RecordExpired(int count) => Interlocked.Add(ref pendingExpired, count);

    internal void RecordCommitLatency(double milliseconds)
    {
        var bucket = Array.FindIndex(LatencyBucketsMs, bound => milliseconds <= bound);
        lock (latencyLock)
        {
            latencyBuckets[bucket < 0 ? LatencyBucketsMs.Length : bucket]++;
            latencySumMs += milliseconds;
            latencyCount++;
        }
    }

    /// <summary>Cumulative bucket counts (Prometheus "le" semantics), the sum and the count.</summary>
    public (long[] Cumulative, double SumMs, long Count) LatencySnapshot()
    {
        lock (latencyLock)
        {
            var cumulative = new long[latencyBuckets.Length];
            long running = 0;
            for (var i = 0; i < latencyBuckets.Length; i++)
            {
                running += latencyBuckets[i];
                cumulative[i] = running;
            }

            return (cumulative, latencySumMs, latencyCount);
        }
    }
}

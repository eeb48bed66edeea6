namespace Ledger.Api.Operations;

/// <summary>Counts HTTP responses by status code, for /metrics. Fixed size: one counter per possible status.</summary>
public sealed class HttpMetrics
{
    private const int StatusMin = 100;
    private const int StatusMax = 599;

    private readonly long[] counts = new long[StatusMax - StatusMin + 1];

    public void Record(int status)
    {
        if (status is >= StatusMin and <= StatusMax)
        {
            Interlocked.Increment(ref counts[status - StatusMin]);
        }
    }

    /// <summary>The statuses seen so far, with their counts, lowest status first.</summary>
    public IReadOnlyList<(int Status, long Count)> Snapshot()
    {
        var seen = new List<(int, long)>();
        for (var i = 0; i < counts.Length; i++)
        {
            var count = Interlocked.Read(ref counts[i]);
            if (count > 0)
            {
                seen.Add((i + StatusMin, count));
            }
        }

        return seen;
    }
}

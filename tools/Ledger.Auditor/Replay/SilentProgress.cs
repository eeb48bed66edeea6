namespace Ledger.Auditor.Replay;

/// <summary>No progress display: output is redirected, or --no-progress was given.</summary>
internal sealed class SilentProgress : IReplayProgress
{
    public static SilentProgress Instance { get; } = new();

    public void SetTotal(ulong records)
    {
    }

    public void Report(ulong records, ulong seq)
    {
    }
}

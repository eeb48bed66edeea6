using Spectre.Console;

namespace Ledger.Auditor.Replay;

/// <summary>A Spectre.Console progress bar over the records replayed, with the settlement being replayed in its label.</summary>
internal sealed class SpectreProgress(ProgressTask task) : IReplayProgress
{
    public void SetTotal(ulong records) => task.MaxValue = Math.Max(1, records);

    public void Report(ulong records, ulong seq)
    {
        task.Description = $"settlement {seq}";
        task.Value = records;
    }
}

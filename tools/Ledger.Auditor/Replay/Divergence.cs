namespace Ledger.Auditor.Replay;

/// <summary>
/// The first place where the ledger's history, its API and the chain disagree: which settlement, which
/// log indexes [FromIndex, ToIndex), what the auditor expected and what it got.
/// </summary>
internal sealed record Divergence(ulong? Seq, string What, ulong? FromIndex, ulong? ToIndex, string Expected, string Got)
{
    public override string ToString()
    {
        var seq = Seq is { } s ? $"settlement {s}" : "replay";
        var range = FromIndex is { } from && ToIndex is { } to ? $" (log indexes [{from}, {to}))" : string.Empty;
        return $"{seq}{range}: {What}: expected {Expected}, got {Got}";
    }
}

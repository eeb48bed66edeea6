namespace Ledger.Auditor.Replay;

/// <summary>What a replay covered, and the first divergence it found (null when none).</summary>
internal sealed record ReplayReport(
    ulong Settlements,
    ulong Records,
    ulong AnchorsCompared,
    ulong ConsistencyProofsVerified,
    IReadOnlyList<string> Notes,
    Divergence? Divergence)
{
    public bool Passed => Divergence is null;
}

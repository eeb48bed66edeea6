namespace Ledger.Auditor.Api;

/// <summary>
/// One settlement of GET /v1/settlements: the batch of log indexes [FirstLogIndex, TreeSize), the tree head
/// after it, and the state of its anchor (pending, submitted, anchored or final).
/// </summary>
internal sealed record Settlement(ulong Seq, ulong FirstLogIndex, ulong TreeSize, byte[] Root, string AnchorStatus)
{
    /// <summary>anchored and final are on the chain; pending and submitted are not (yet).</summary>
    public bool IsAnchored => AnchorStatus is "anchored" or "final";
}

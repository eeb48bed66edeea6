namespace Ledger.Core.Settlement;

/// <summary>
/// A closed settlement batch: the log range [<see cref="FirstLogIndex"/>, <see cref="TreeSize"/>), the
/// Merkle tree head over the whole log at <see cref="TreeSize"/>, the net positions of that range, and
/// where its anchor stands. Sequence numbers start at 1 and have no gaps; each batch starts where the
/// previous one ended.
/// </summary>
public sealed record SettlementBatch(
    ulong Seq,
    ulong FirstLogIndex,
    ulong TreeSize,
    byte[] Root,
    DateTimeOffset ClosedAt,
    IReadOnlyList<NetPosition> NetPositions,
    AnchorState Anchor);

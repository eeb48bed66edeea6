using Ledger.Chain.Rpc;

namespace Ledger.Chain.Contracts;

/// <summary>SettlementAnchor.anchors(seq): the tree head anchored at that sequence number and its block timestamp.</summary>
public sealed record AnchorRecord(ulong TreeSize, Hash32 Root, ulong Timestamp);

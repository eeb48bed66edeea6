using Ledger.Chain.Rpc;

namespace Ledger.Chain.Contracts;

/// <summary>SettlementAnchor.latest(): the newest anchor's sequence number and the tree head it holds (seq 0 before any).</summary>
public sealed record AnchorHead(ulong Seq, ulong TreeSize, Hash32 Root);

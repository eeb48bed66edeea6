namespace Ledger.Core.Settlement;

/// <summary>
/// The leader's credentials for a settlement write: the lease it holds and the epoch it was granted. A
/// store applies the write only if, in the same transaction, that lease still has this epoch and has not
/// lapsed, so a deposed leader cannot close a batch or record an anchor.
/// </summary>
public sealed record SettlementFence(string LeaseName, long Epoch);

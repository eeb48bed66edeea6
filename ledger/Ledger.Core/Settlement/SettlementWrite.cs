namespace Ledger.Core.Settlement;

/// <summary>The outcome of a fenced settlement write.</summary>
public enum SettlementWrite
{
    /// <summary>The write is committed.</summary>
    Applied,

    /// <summary>Nothing changed: the lease is held by another epoch or has lapsed.</summary>
    NotLeader,

    /// <summary>Nothing changed: the stored state is not what the write expects (another writer got there first).</summary>
    Conflict,
}

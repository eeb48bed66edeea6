namespace Ledger.Core.Storage;

/// <summary>
/// Where the committed log ends: the timestamp of the last committed event and the number of transfers
/// in the log (so the next transfer's log index). Both only grow.
/// </summary>
public readonly record struct LedgerHead(ulong LastTimestamp, ulong LogSize);

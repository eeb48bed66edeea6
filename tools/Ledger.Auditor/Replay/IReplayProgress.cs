namespace Ledger.Auditor.Replay;

/// <summary>Where replay reports how far it has come, in records (leaves) hashed.</summary>
internal interface IReplayProgress
{
    /// <summary>The number of records the replay expects to hash; it may grow as settlements are read.</summary>
    void SetTotal(ulong records);

    /// <summary>The records hashed so far, and the settlement being replayed.</summary>
    void Report(ulong records, ulong seq);
}

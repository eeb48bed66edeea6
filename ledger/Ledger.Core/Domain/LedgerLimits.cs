namespace Ledger.Core.Domain;

/// <summary>Every limit of the ledger core, named once.</summary>
public static class LedgerLimits
{
    /// <summary>The most events one request or one commit batch may hold (TigerBeetle's figure).</summary>
    public const int EventsPerBatchMax = 8189;

    /// <summary>The most pending transfers one expiry pulse releases in one commit.</summary>
    public const int ExpiriesPerPulseMax = 8189;

    /// <summary>The most rows one history page returns.</summary>
    public const int HistoryPageMax = 1000;

    public const ulong NanosecondsPerSecond = 1_000_000_000UL;
}

namespace Ledger.Auditor.Replay;

/// <summary>How replay reads: the depth of the block it reads the contract at, and the page sizes it asks the API for.</summary>
internal sealed record ReplayOptions
{
    /// <summary>API.md: GET /v1/log/records takes limit 1..10000.</summary>
    public const int RecordPageSizeMax = 10_000;

    public const int SettlementPageSizeMax = 1_000;

    public int Confirmations { get; init; } = 2;

    public int SettlementPageSize { get; init; } = 100;

    public int RecordPageSize { get; init; } = RecordPageSizeMax;

    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(Confirmations, 1, nameof(Confirmations));
        ArgumentOutOfRangeException.ThrowIfLessThan(SettlementPageSize, 1, nameof(SettlementPageSize));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(SettlementPageSize, SettlementPageSizeMax, nameof(SettlementPageSize));
        ArgumentOutOfRangeException.ThrowIfLessThan(RecordPageSize, 1, nameof(RecordPageSize));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(RecordPageSize, RecordPageSizeMax, nameof(RecordPageSize));
    }
}

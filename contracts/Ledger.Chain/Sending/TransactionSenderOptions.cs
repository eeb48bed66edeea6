namespace Ledger.Chain.Sending;

/// <summary>Limits for sending: the gas cap, the margin on estimates, and how receipts are awaited.</summary>
public sealed record TransactionSenderOptions
{
    /// <summary>No transaction is sent with more gas than this; an estimate above it is refused.</summary>
    public ulong MaxGasLimit { get; init; } = 8_000_000;

    /// <summary>Percent added to the node's gas estimate, since state may change between estimate and inclusion.</summary>
    public int GasMarginPercent { get; init; } = 20;

    public TimeSpan ReceiptPollInterval { get; init; } = TimeSpan.FromMilliseconds(250);

    /// <summary>How long <see cref="TransactionSender.WaitForReceiptAsync"/> waits before giving up.</summary>
    public TimeSpan ReceiptTimeout { get; init; } = TimeSpan.FromMinutes(2);

    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxGasLimit, 21_000UL, nameof(MaxGasLimit));
        ArgumentOutOfRangeException.ThrowIfLessThan(GasMarginPercent, 0, nameof(GasMarginPercent));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(GasMarginPercent, 200, nameof(GasMarginPercent));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(ReceiptPollInterval, TimeSpan.Zero, nameof(ReceiptPollInterval));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(ReceiptTimeout, TimeSpan.Zero, nameof(ReceiptTimeout));
    }
}

using Ledger.Core.Settlement;

namespace Ledger.Silo.Settlement;

/// <summary>How the settlement pipeline paces itself.</summary>
public sealed class SettlementOptions
{
    public static readonly TimeSpan DefaultInterval = TimeSpan.FromSeconds(5);

    /// <summary>The cutoff interval (<c>LEDGER_SETTLEMENT_INTERVAL_SECONDS</c>): how often a batch is closed and anchors are advanced.</summary>
    public TimeSpan Interval { get; set; } = DefaultInterval;

    /// <summary>The most transfers one batch covers; a larger backlog closes several batches in a row.</summary>
    public ulong TransfersPerSettlementMax { get; set; } = SettlementLimits.TransfersPerSettlementMax;

    /// <summary>The most batches closed in one round, so a backlog cannot keep a round from anchoring.</summary>
    public int SettlementsPerRoundMax { get; set; } = 16;

    /// <summary>The most not-final anchors looked at in one round.</summary>
    public int AnchorsPerRoundMax { get; set; } = 16;

    public void Validate()
    {
        if (Interval <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(Interval), Interval, "The settlement interval must be positive.");
        }

        ArgumentOutOfRangeException.ThrowIfZero(TransfersPerSettlementMax);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(TransfersPerSettlementMax, SettlementLimits.TransfersPerSettlementMax);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(SettlementsPerRoundMax);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(AnchorsPerRoundMax);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(AnchorsPerRoundMax, SettlementLimits.SettlementsPageMax);
    }
}

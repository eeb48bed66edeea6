namespace Ledger.Chain.Sending;

/// <summary>The node's gas estimate is above the configured cap, so the transaction was not signed or sent.</summary>
public sealed class GasCapExceededException : Exception
{
    public GasCapExceededException(ulong estimate, ulong cap)
        : base($"The gas estimate {estimate} exceeds the cap of {cap}; the transaction was not sent.")
    {
        Estimate = estimate;
        Cap = cap;
    }

    public ulong Estimate { get; }

    public ulong Cap { get; }
}

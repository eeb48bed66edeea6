namespace Ledger.Chain.Rpc;

/// <summary>Limits for one JSON-RPC endpoint. Every retry loop and batch has a named maximum.</summary>
public sealed record JsonRpcClientOptions
{
    /// <summary>The most requests sent in one HTTP POST; larger batches are refused, not split.</summary>
    public const int MaxBatchSizeLimit = 1000;

    public required Uri Endpoint { get; init; }

    /// <summary>How long one attempt (one HTTP POST and its answer) may take.</summary>
    public TimeSpan CallTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Attempts per request, the first included. One means no retry.</summary>
    public int MaxAttempts { get; init; } = 5;

    /// <summary>The wait before the second attempt; it doubles per attempt up to <see cref="RetryMaxDelay"/>.</summary>
    public TimeSpan RetryBaseDelay { get; init; } = TimeSpan.FromMilliseconds(100);

    public TimeSpan RetryMaxDelay { get; init; } = TimeSpan.FromSeconds(2);

    public int MaxBatchSize { get; init; } = 100;

    /// <summary>Throws when a limit is out of range, so a bad configuration fails at start.</summary>
    public void Validate()
    {
        ArgumentNullException.ThrowIfNull(Endpoint);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(CallTimeout, TimeSpan.Zero, nameof(CallTimeout));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxAttempts, 1, nameof(MaxAttempts));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(MaxAttempts, 20, nameof(MaxAttempts));
        ArgumentOutOfRangeException.ThrowIfLessThan(RetryBaseDelay, TimeSpan.Zero, nameof(RetryBaseDelay));
        ArgumentOutOfRangeException.ThrowIfLessThan(RetryMaxDelay, RetryBaseDelay, nameof(RetryMaxDelay));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxBatchSize, 1, nameof(MaxBatchSize));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(MaxBatchSize, MaxBatchSizeLimit, nameof(MaxBatchSize));
    }
}

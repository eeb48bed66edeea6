namespace Ledger.Chain.Local;

/// <summary>How to start a local anvil node.</summary>
public sealed record AnvilOptions
{
    /// <summary>The chain id anvil uses by default and the ledger expects of a local chain.</summary>
    public const ulong LocalChainId = 31337;

    /// <summary>The anvil executable; when null it is looked up under node_modules above <see cref="SearchRoot"/>.</summary>
    public string? BinaryPath { get; init; }

    /// <summary>Where the search for node_modules starts (it goes upward from here).</summary>
    public string SearchRoot { get; init; } = AppContext.BaseDirectory;

    /// <summary>A fixed port on 127.0.0.1; null lets the system choose a free one.</summary>
    public int? Port { get; init; }

    public ulong ChainId { get; init; } = LocalChainId;

    /// <summary>
    /// A state file: loaded at start when it exists, written when anvil stops on SIGTERM (and every
    /// <see cref="StateIntervalSeconds"/> when set, so a killed anvil loses at most that much).
    /// </summary>
    public string? StatePath { get; init; }

    public int? StateIntervalSeconds { get; init; }

    /// <summary>Mine a block every this many seconds; null mines one block per transaction as it arrives.</summary>
    public int? BlockTimeSeconds { get; init; }

    /// <summary>How long anvil may take to answer eth_chainId after it starts.</summary>
    public TimeSpan StartTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How long anvil may take to write its state and exit after SIGTERM before it is killed.</summary>
    public TimeSpan StopTimeout { get; init; } = TimeSpan.FromSeconds(15);
}

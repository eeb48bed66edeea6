using Ledger.Api.Chain;
using Ledger.Core.Escrows;
using Ledger.Core.Storage;
using Ledger.Silo.Leadership;
using Ledger.Storage.Postgres;
using Ledger.Storage.Sqlite;
using Microsoft.Extensions.Configuration;
using Npgsql;

namespace Ledger.Api;

/// <summary>Which services a node process runs.</summary>
public enum NodeRole
{
    /// <summary>The embedded node: the HTTP API and the silo's background services in one process.</summary>
    All,

    /// <summary>The HTTP API only.</summary>
    Api,

    /// <summary>The silo's background services and the health endpoints only.</summary>
    Silo,
}

/// <summary>
/// The node's configuration. Each setting comes from the environment variable of API.md
/// (<c>LEDGER_URLS</c>, ...), else from the <c>Ledger:</c> configuration section (<c>Ledger:Urls</c>, ...),
/// else from the default; the <c>configure</c> callback of <see cref="NodeApp.Build"/> has the last word.
/// </summary>
public sealed class NodeOptions
{
    public const string DefaultUrls = "http://127.0.0.1:5080";
    public const string DefaultDataDirectory = "./data";
    public const string DatabaseFileName = "ledger.db";
    public const string OperatorKeyFileName = "operator.key";

    /// <summary>The shortest operator key accepted from configuration; generated keys are 46 characters.</summary>
    public const int OperatorKeyLengthMin = 16;

    /// <summary>Where the API listens: one or more URLs separated by semicolons.</summary>
    public string Urls { get; set; } = DefaultUrls;

    /// <summary>The data folder: the SQLite database and the generated operator key.</summary>
    public string DataDirectory { get; set; } = DefaultDataDirectory;

    /// <summary>The operator's API key; null means "generate one on first start".</summary>
    public string? OperatorKey { get; set; }

    /// <summary>A PostgreSQL connection string (<c>LEDGER_DB</c>); null means the embedded SQLite store in the data folder.</summary>
    public string? PostgresConnectionString { get; set; }

    /// <summary>
    /// How long the silo leader's lease lasts without renewal (<c>LEDGER_SILO_LEASE_SECONDS</c>): the
    /// longest a standby silo waits after the leader dies.
    /// </summary>
    public TimeSpan SiloLeaseDuration { get; set; } = SiloLeaseOptions.DefaultDuration;

    public NodeRole Role { get; set; } = NodeRole.All;

    /// <summary>The settlement cutoff interval (<c>LEDGER_SETTLEMENT_INTERVAL_SECONDS</c>).</summary>
    public TimeSpan SettlementInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long an FX quote locks its rate (<c>LEDGER_FX_QUOTE_SECONDS</c>).</summary>
    public TimeSpan FxQuoteLifetime { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>How long a payment held for review reserves its funds before it lapses (<c>LEDGER_PAYMENT_HOLD_SECONDS</c>).</summary>
    public TimeSpan PaymentHoldTimeout { get; set; } = TimeSpan.FromHours(24);

    /// <summary>How often the silo leader gathers payouts into a batch and moves batches on (<c>LEDGER_PAYOUT_INTERVAL_SECONDS</c>).</summary>
    public TimeSpan PayoutInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// The least time between a request and its escrow's deadline (<c>LEDGER_ESCROW_MIN_DEADLINE_SECONDS</c>,
    /// 1 to 86,400): the open must be final on chain before anyone may refund.
    /// </summary>
    public TimeSpan EscrowDeadlineLeadMin { get; set; } = EscrowProcessor.DefaultDeadlineLeadMin;

    /// <summary>
    /// Fault injection for crash tests only (<c>LEDGER_FAULT_PAYOUT_CRASH</c>): after_signed, after_sent or
    /// after_final makes the node kill itself (SIGKILL, nothing flushed) the first time its payout pipeline
    /// reaches that step. Unset in any real deployment.
    /// </summary>
    public string? FaultPayoutCrash { get; set; }

    /// <summary>
    /// Fault injection for crash tests only (<c>LEDGER_FAULT_ESCROW_CRASH</c>): after_signed, after_sent or
    /// before_resolve makes the node kill itself the first time its escrow pipeline reaches that step.
    /// Unset in any real deployment.
    /// </summary>
    public string? FaultEscrowCrash { get; set; }

    /// <summary>A file of addresses no payout may go to, loaded onto the deny list at start (<c>LEDGER_DENY_LIST</c>).</summary>
    public string? DenyListPath { get; set; }

    /// <summary>The chain: RPC endpoint, deployments, sending key, confirmations.</summary>
    public ChainSettings Chain { get; } = new();

    /// <summary>
    /// Whether the embedded node (role all, no <c>LEDGER_CHAIN_RPC</c>) starts a local anvil. Always true
    /// for the real node; tests that are not about the chain turn it off.
    /// </summary>
    public bool StartLocalChain { get; set; } = true;

    /// <summary>
    /// Makes the system of record: PostgreSQL when <see cref="PostgresConnectionString"/> is set, else
    /// SQLite at <see cref="DatabasePath"/>. What it returns must also be the
    /// <see cref="Ledger.Core.Directory.IDirectoryStore"/> and the <see cref="Ledger.Core.Cluster.ILeaseStore"/>.
    /// Tests wrap it to inject storage faults.
    /// </summary>
    public Func<NodeOptions, ILedgerStore> StoreFactory { get; set; } = static options => options.UsesPostgres
        ? new PostgresLedgerStore(options.PostgresConnectionString!)
        : new SqliteLedgerStore(options.DatabasePath);

    public bool UsesPostgres => !string.IsNullOrWhiteSpace(PostgresConnectionString);

    /// <summary>The clock of the engine and the silo; tests may swap it.</summary>
    public TimeProvider Clock { get; set; } = TimeProvider.System;

    /// <summary>Where a generated operator key is printed, once, at first start.</summary>
    public TextWriter KeyOutput { get; set; } = Console.Out;

    /// <summary>
    /// How long an API key lookup is trusted before the store is asked again. Participants are never
    /// deleted, so a cached entry goes stale only when a key is replaced (the operator's, at a start
    /// of some node with a new <c>LEDGER_OPERATOR_KEY</c>); this bounds how long another node of a
    /// cluster keeps accepting the old key.
    /// </summary>
    public TimeSpan ApiKeyCacheLifetime { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Lets the host (tests, mostly) adjust logging.</summary>
    public Action<ILoggingBuilder>? ConfigureLogging { get; set; }

    public bool RunsApi => Role is NodeRole.All or NodeRole.Api;

    public bool RunsSilo => Role is NodeRole.All or NodeRole.Silo;

    public string DatabasePath => Path.Combine(DataDirectory, DatabaseFileName);

    public string OperatorKeyPath => Path.Combine(DataDirectory, OperatorKeyFileName);

    public static NodeOptions FromConfiguration(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var options = new NodeOptions();
        options.Urls = Read(configuration, "LEDGER_URLS", "Ledger:Urls") ?? DefaultUrls;
        options.DataDirectory = Read(configuration, "LEDGER_DATA_DIR", "Ledger:DataDir") ?? DefaultDataDirectory;
        options.OperatorKey = Read(configuration, "LEDGER_OPERATOR_KEY", "Ledger:OperatorKey");
        options.PostgresConnectionString = Read(configuration, "LEDGER_DB", "Ledger:Db");
        var role = Read(configuration, "LEDGER_ROLE", "Ledger:Role");
        if (role is not null)
        {
            options.Role = ParseRole(role);
        }

        var rpc = Read(configuration, "LEDGER_CHAIN_RPC", "Ledger:ChainRpc");
        options.Chain.Rpc = rpc is null ? null : ChainSettings.ParseRpc(rpc);
        var contracts = Read(configuration, "LEDGER_CONTRACTS", "Ledger:Contracts");
        options.Chain.Contracts = contracts is null ? null : ContractAddresses.Parse(contracts);
        var chainKey = Read(configuration, "LEDGER_CHAIN_KEY", "Ledger:ChainKey");
        options.Chain.Key = chainKey is null ? null : ChainSettings.ParseKey(chainKey);
        var confirmations = Read(configuration, "LEDGER_CONFIRMATIONS", "Ledger:Confirmations");
        options.Chain.Confirmations = confirmations is null ? null : ChainSettings.ParseConfirmations(confirmations);

        var lease = Read(configuration, "LEDGER_SILO_LEASE_SECONDS", "Ledger:SiloLeaseSeconds");
        if (lease is not null)
        {
            options.SiloLeaseDuration = ParseLeaseSeconds(lease);
        }

        var interval = Read(configuration, "LEDGER_SETTLEMENT_INTERVAL_SECONDS", "Ledger:SettlementIntervalSeconds");
        if (interval is not null)
        {
            options.SettlementInterval = ParseSettlementIntervalSeconds(interval);
        }

        options.DenyListPath = Read(configuration, "LEDGER_DENY_LIST", "Ledger:DenyList");
        var quoteSeconds = Read(configuration, "LEDGER_FX_QUOTE_SECONDS", "Ledger:FxQuoteSeconds");
        if (quoteSeconds is not null)
        {
            options.FxQuoteLifetime = ParseSeconds(quoteSeconds, "LEDGER_FX_QUOTE_SECONDS", FxQuoteSecondsMax);
        }

        var holdSeconds = Read(configuration, "LEDGER_PAYMENT_HOLD_SECONDS", "Ledger:PaymentHoldSeconds");
        if (holdSeconds is not null)
        {
            options.PaymentHoldTimeout = ParseSeconds(holdSeconds, "LEDGER_PAYMENT_HOLD_SECONDS", PaymentHoldSecondsMax);
        }

        var payoutSeconds = Read(configuration, "LEDGER_PAYOUT_INTERVAL_SECONDS", "Ledger:PayoutIntervalSeconds");
        if (payoutSeconds is not null)
        {
            options.PayoutInterval = ParseSeconds(payoutSeconds, "LEDGER_PAYOUT_INTERVAL_SECONDS", PayoutIntervalSecondsMax);
        }

        var escrowLead = Read(configuration, "LEDGER_ESCROW_MIN_DEADLINE_SECONDS", "Ledger:EscrowMinDeadlineSeconds");
        if (escrowLead is not null)
        {
            options.EscrowDeadlineLeadMin = ParseSeconds(escrowLead, "LEDGER_ESCROW_MIN_DEADLINE_SECONDS", EscrowMinDeadlineSecondsMax);
        }

        options.FaultPayoutCrash = Read(configuration, "LEDGER_FAULT_PAYOUT_CRASH", "Ledger:FaultPayoutCrash");
        options.FaultEscrowCrash = Read(configuration, "LEDGER_FAULT_ESCROW_CRASH", "Ledger:FaultEscrowCrash");
        return options;
    }

    public const int PayoutIntervalSecondsMax = 3_600;

    public const int EscrowMinDeadlineSecondsMax = 86_400;

    public const int FxQuoteSecondsMax = 3_600;

    public const int PaymentHoldSecondsMax = 30 * 86_400;

    public const int SettlementIntervalSecondsMax = 86_400;

    private static TimeSpan ParseSeconds(string text, string name, int max) =>
        int.TryParse(text.Trim(), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var seconds) &&
        seconds >= 1 && seconds <= max
            ? TimeSpan.FromSeconds(seconds)
            : throw new NodeConfigurationException($"{name} is '{text}'; it must be a whole number of seconds from 1 to {max}.");

    public static TimeSpan ParseSettlementIntervalSeconds(string text) =>
        int.TryParse(text.Trim(), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var seconds) &&
        seconds is >= 1 and <= SettlementIntervalSecondsMax
            ? TimeSpan.FromSeconds(seconds)
            : throw new NodeConfigurationException(
                $"LEDGER_SETTLEMENT_INTERVAL_SECONDS is '{text}'; it must be a whole number of seconds from 1 to {SettlementIntervalSecondsMax}.");

    public static NodeRole ParseRole(string text) => text.Trim().ToLowerInvariant() switch
    {
        "all" => NodeRole.All,
        "api" => NodeRole.Api,
        "silo" => NodeRole.Silo,
        _ => throw new NodeConfigurationException($"LEDGER_ROLE is '{text}'; it must be all, api or silo."),
    };

    public static TimeSpan ParseLeaseSeconds(string text) =>
        int.TryParse(text.Trim(), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var seconds) &&
        seconds is >= SiloLeaseSecondsMin and <= SiloLeaseSecondsMax
            ? TimeSpan.FromSeconds(seconds)
            : throw new NodeConfigurationException(
                $"LEDGER_SILO_LEASE_SECONDS is '{text}'; it must be a whole number of seconds from {SiloLeaseSecondsMin} to {SiloLeaseSecondsMax}.");

    public const int SiloLeaseSecondsMin = 1;

    public const int SiloLeaseSecondsMax = 3600;

    /// <summary>Refuses settings this build cannot honour, before anything is opened.</summary>
    public void Validate()
    {
        if (UsesPostgres)
        {
            try
            {
                _ = new NpgsqlConnectionStringBuilder(PostgresConnectionString);
            }
            catch (ArgumentException exception)
            {
                // The message of the parser names the bad keyword; the connection string itself may hold a password.
                throw new NodeConfigurationException($"LEDGER_DB is not a valid PostgreSQL connection string: {exception.Message}", exception);
            }
        }

        if (SiloLeaseDuration < TimeSpan.FromSeconds(SiloLeaseSecondsMin) || SiloLeaseDuration > TimeSpan.FromSeconds(SiloLeaseSecondsMax))
        {
            throw new NodeConfigurationException($"The silo lease must last {SiloLeaseSecondsMin} to {SiloLeaseSecondsMax} seconds.");
        }

        if (SettlementInterval <= TimeSpan.Zero || SettlementInterval > TimeSpan.FromSeconds(SettlementIntervalSecondsMax))
        {
            throw new NodeConfigurationException($"The settlement interval must be positive and at most {SettlementIntervalSecondsMax} seconds.");
        }

        if (FxQuoteLifetime < TimeSpan.FromSeconds(1) || FxQuoteLifetime > TimeSpan.FromSeconds(FxQuoteSecondsMax))
        {
            throw new NodeConfigurationException($"The FX quote lifetime must be 1 to {FxQuoteSecondsMax} seconds.");
        }

        if (PaymentHoldTimeout < TimeSpan.FromSeconds(1) || PaymentHoldTimeout > TimeSpan.FromSeconds(PaymentHoldSecondsMax))
        {
            throw new NodeConfigurationException($"The payment hold timeout must be 1 to {PaymentHoldSecondsMax} seconds.");
        }

        if (string.IsNullOrWhiteSpace(Urls))
        {
            throw new NodeConfigurationException("LEDGER_URLS is empty; it must name at least one URL, such as http://127.0.0.1:5080.");
        }

        if (string.IsNullOrWhiteSpace(DataDirectory))
        {
            throw new NodeConfigurationException("LEDGER_DATA_DIR is empty; it must name the data folder.");
        }

        if (OperatorKey is not null)
        {
            if (OperatorKey.Length < OperatorKeyLengthMin || OperatorKey.Length > Security.ApiKeys.TextLengthMax)
            {
                throw new NodeConfigurationException(
                    $"LEDGER_OPERATOR_KEY must be {OperatorKeyLengthMin} to {Security.ApiKeys.TextLengthMax} characters long.");
            }

            if (OperatorKey.Any(static c => char.IsWhiteSpace(c) || char.IsControl(c)))
            {
                throw new NodeConfigurationException("LEDGER_OPERATOR_KEY must not contain spaces or control characters.");
            }
        }

        if (ApiKeyCacheLifetime < TimeSpan.Zero)
        {
            throw new NodeConfigurationException("The API key cache lifetime must not be negative.");
        }
    }

    private static string? Read(IConfiguration configuration, string environmentName, string sectionKey)
    {
        var value = configuration[environmentName];
        if (string.IsNullOrEmpty(value))
        {
            value = configuration[sectionKey];
        }

        return string.IsNullOrEmpty(value) ? null : value;
    }
}

/// <summary>The node cannot start with its configuration; the message says what to change.</summary>
public sealed class NodeConfigurationException : Exception
{
    public NodeConfigurationException(string message)
        : base(message)
    {
    }

    public NodeConfigurationException(string message, Exception inner)
        : base(message, inner)
    {
    }
}

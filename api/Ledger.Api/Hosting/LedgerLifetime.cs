using Ledger.Api.Security;
using Ledger.Core.Commit;
using Ledger.Core.Directory;
using Ledger.Core.Payouts;
using Ledger.Core.Storage;

namespace Ledger.Api.Hosting;

/// <summary>
/// Owns the store and the engine. At start: data folder, schema, operator, then the engine's writer.
/// At stop (after the web server has drained, since hosted services stop in reverse order), and in
/// any case when the host is disposed: the engine first, so no commit is cut off, then the store.
/// </summary>
public sealed partial class LedgerLifetime : IHostedService, IAsyncDisposable
{
    private readonly NodeOptions options;
    private readonly ILedgerStore store;
    private readonly IDirectoryStore directory;
    private readonly LedgerEngine engine;
    private readonly ApiKeyCache keys;
    private readonly IPayoutStore payouts;
    private readonly ILogger<LedgerLifetime> logger;
    private int shutdown;
    private volatile bool started;

    public LedgerLifetime(NodeOptions options, ILedgerStore store, IDirectoryStore directory, LedgerEngine engine, ApiKeyCache keys, IPayoutStore payouts, ILogger<LedgerLifetime> logger)
    {
        this.payouts = payouts;
        this.options = options;
        this.store = store;
        this.directory = directory;
        this.engine = engine;
        this.keys = keys;
        this.logger = logger;
    }

    /// <summary>True once the store is initialised and the engine runs, until stop or an engine fault.</summary>
    public bool Started => started && Volatile.Read(ref shutdown) == 0 && engine.Fault is null;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        CreateDataDirectory(options.DataDirectory);
        await store.InitializeAsync(cancellationToken);
        await OperatorBootstrap.RunAsync(options, directory, keys, logger, cancellationToken);
        if (options.DenyListPath is { } denyList)
        {
            LogDenyListLoaded(logger, await DenyListFile.LoadAsync(denyList, payouts, options.Clock, cancellationToken), denyList);
        }
        engine.Start();
        started = true;
        LogStarted(logger, options.Role, options.UsesPostgres ? "PostgreSQL (LEDGER_DB)" : Path.GetFullPath(options.DatabasePath));
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        started = false;
        await ShutdownAsync();
    }

    public async ValueTask DisposeAsync() => await ShutdownAsync();

    private async ValueTask ShutdownAsync()
    {
        if (Interlocked.Exchange(ref shutdown, 1) != 0)
        {
            return;
        }

        await engine.DisposeAsync();
        await store.DisposeAsync();
    }

    private static void CreateDataDirectory(string path)
    {
        if (Directory.Exists(path))
        {
            return;
        }

        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(path);
        }
        else
        {
            // The folder holds the database and the operator key: the node's user only.
            Directory.CreateDirectory(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Loaded {Count} denied addresses from {Path}.")]
    private static partial void LogDenyListLoaded(ILogger logger, int count, string path);

    [LoggerMessage(Level = LogLevel.Information, Message = "Ledger node started with role {Role}; database {DatabasePath}.")]
    private static partial void LogStarted(ILogger logger, NodeRole role, string databasePath);
}

using System.Diagnostics;
using System.Globalization;
using Npgsql;

namespace Ledger.Bench;

/// <summary>
/// The PostgreSQL server a benchmark run targets: either one named by a connection string (<c>--postgres</c>
/// or <c>LEDGER_DB</c>), or with <c>--postgres auto</c> a throwaway server started by
/// <c>scripts/postgres.sh</c> and stopped when the run ends. Every figure gets its own fresh database,
/// created here and dropped when the run ends.
/// </summary>
internal sealed class PostgresServer : IAsyncDisposable
{
    private readonly string adminConnectionString;
    private readonly string? throwawayFolder;
    private readonly TextWriter log;
    private readonly List<string> databases = [];
    private int stopped;

    private PostgresServer(string adminConnectionString, string? throwawayFolder, TextWriter log)
    {
        this.adminConnectionString = adminConnectionString;
        this.throwawayFolder = throwawayFolder;
        this.log = log;
    }

    /// <summary>Where the server came from, for the log (never the password).</summary>
    public string Description
    {
        get
        {
            var builder = new NpgsqlConnectionStringBuilder(adminConnectionString);
            return $"{(throwawayFolder is null ? "given server" : "throwaway server")} {builder.Host}:{builder.Port}";
        }
    }

    public static async Task<PostgresServer> OpenAsync(string connectionStringOrAuto, TextWriter log)
    {
        if (!string.Equals(connectionStringOrAuto, "auto", StringComparison.OrdinalIgnoreCase))
        {
            return new PostgresServer(connectionStringOrAuto, null, log);
        }

        // scripts/postgres.sh runs the server as the postgres user under root, so the folder must be one
        // that user can reach: directly under /tmp, not inside this process's private temporary folder.
        var folder = Path.Combine("/tmp", "ledger-bench-pg-" + Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(6)));
        var server = new PostgresServer(await RunScriptAsync("start", folder, log), folder, log);
        log.WriteLine($"postgres: started a throwaway server in {folder}");

        // Interrupted (Ctrl+C, SIGTERM), the run skips its finally blocks; the server must not outlive it.
        Console.CancelKeyPress += (_, _) => server.StopThrowaway();
        AppDomain.CurrentDomain.ProcessExit += (_, _) => server.StopThrowaway();
        return server;
    }

    /// <summary>Creates an empty database and returns a connection string to it.</summary>
    public async Task<string> CreateDatabaseAsync(string purpose)
    {
        var name = $"ledger_bench_{purpose}_{Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(4))}";
        await using (var connection = new NpgsqlConnection(adminConnectionString))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
            await command.ExecuteNonQueryAsync();
        }

        databases.Add(name);
        return new NpgsqlConnectionStringBuilder(adminConnectionString) { Database = name }.ConnectionString;
    }

    /// <summary>
    /// Flushes what the previous run left in shared buffers, so its checkpoint does not land in the next
    /// run's measurement. Needs a superuser (or pg_checkpoint); without one it says so and goes on.
    /// </summary>
    public async Task CheckpointAsync()
    {
        await using var connection = new NpgsqlConnection(adminConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("CHECKPOINT", connection);
        try
        {
            await command.ExecuteNonQueryAsync();
        }
        catch (PostgresException exception) when (exception.SqlState == PostgresErrorCodes.InsufficientPrivilege)
        {
            log.WriteLine("postgres: no privilege to CHECKPOINT between runs; a checkpoint may fall inside a measurement");
        }
    }

    /// <summary>Reads a server setting (SHOW), for the log next to the figures.</summary>
    public async Task<string> SettingAsync(string name)
    {
        await using var connection = new NpgsqlConnection(adminConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"SHOW {name}", connection);
        return Convert.ToString(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture) ?? "";
    }

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        try
        {
            foreach (var name in databases)
            {
                await using var connection = new NpgsqlConnection(adminConnectionString);
                await connection.OpenAsync();
                await using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS {name} WITH (FORCE)", connection);
                await command.ExecuteNonQueryAsync();
            }
        }
        catch (NpgsqlException exception) when (throwawayFolder is not null)
        {
            // The whole server goes below; a database left behind goes with it.
            log.WriteLine($"postgres: dropping the benchmark databases failed: {exception.Message}");
        }
        finally
        {
            if (throwawayFolder is not null && Interlocked.Exchange(ref stopped, 1) == 0)
            {
                await RunScriptAsync("stop", throwawayFolder, log);
                log.WriteLine("postgres: stopped the throwaway server");
            }
        }
    }

    private void StopThrowaway()
    {
        if (throwawayFolder is not null && Interlocked.Exchange(ref stopped, 1) == 0)
        {
            RunScriptAsync("stop", throwawayFolder, log).GetAwaiter().GetResult();
        }
    }

    private static async Task<string> RunScriptAsync(string verb, string folder, TextWriter log)
    {
        var script = Path.Combine(NodeProcess.RepositoryRoot(), "scripts", "postgres.sh");
        var start = new ProcessStartInfo("bash", [script, verb, folder])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using var process = Process.Start(start) ?? throw new InvalidOperationException("bash did not start.");
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        foreach (var line in (await errors).Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            log.WriteLine($"postgres.sh: {line}");
        }

        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"scripts/postgres.sh {verb} {folder} failed with exit code {process.ExitCode}.");
        }

        var lines = (await output).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return lines.Length > 0 ? lines[^1] : "";
    }
}

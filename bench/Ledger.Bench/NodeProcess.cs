using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Ledger.Bench;

/// <summary>
/// The embedded node started as its own process, on a free loopback port and a fresh data folder, so
/// the HTTP figures include everything a client pays for. Given a PostgreSQL connection string it runs on
/// that database (LEDGER_DB) instead of SQLite. It is killed when the benchmark ends.
/// </summary>
internal sealed class NodeProcess : IAsyncDisposable
{
    private readonly Process process;

    private NodeProcess(Process process, Uri baseAddress, string operatorKey)
    {
        this.process = process;
        BaseAddress = baseAddress;
        OperatorKey = operatorKey;
    }

    public Uri BaseAddress { get; }

    public string OperatorKey { get; }

    public static async Task<NodeProcess> StartAsync(string dataDirectory, string? database, TextWriter log)
    {
        var dll = Path.Combine(RepositoryRoot(), "api", "Ledger.Api", "bin", "Release", "net10.0", "Ledger.Api.dll");
        if (!File.Exists(dll))
        {
            throw new FileNotFoundException("Build the solution in Release first (make bench does).", dll);
        }

        var port = FreePort();
        var key = "lk_bench_" + Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16));
        var start = new ProcessStartInfo("dotnet", [dll])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment["LEDGER_URLS"] = $"http://127.0.0.1:{port}";
        start.Environment["LEDGER_DATA_DIR"] = dataDirectory;
        start.Environment["LEDGER_OPERATOR_KEY"] = key;
        start.Environment["LEDGER_ROLE"] = "all";
        if (database is null)
        {
            start.Environment.Remove("LEDGER_DB");
        }
        else
        {
            start.Environment["LEDGER_DB"] = database;
        }

        start.Environment["Logging__LogLevel__Default"] = "Warning";
        var process = Process.Start(start) ?? throw new InvalidOperationException("The node did not start.");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                log.WriteLine($"node: {e.Data}");
            }
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var node = new NodeProcess(process, new Uri($"http://127.0.0.1:{port}"), key);
        using var client = new HttpClient { BaseAddress = node.BaseAddress, Timeout = TimeSpan.FromSeconds(2) };
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(60))
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"The node exited with code {process.ExitCode}.");
            }

            try
            {
                using var response = await client.GetAsync(new Uri("/health/ready", UriKind.Relative));
                if (response.IsSuccessStatusCode)
                {
                    return node;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (TaskCanceledException)
            {
                // Not answering yet.
            }

            await Task.Delay(200);
        }

        await node.DisposeAsync();
        throw new TimeoutException("The node did not become ready within 60 s.");
    }

    public async ValueTask DisposeAsync()
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }

        process.Dispose();
    }

    public static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Ledger.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("Ledger.sln not found above the benchmark.");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

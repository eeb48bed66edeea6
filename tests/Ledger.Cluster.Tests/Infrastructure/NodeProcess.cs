using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Ledger.Cluster.Tests.Infrastructure;

/// <summary>
/// One ledger node as its own operating-system process (the built Ledger.Api), on a free loopback port,
/// a fresh data folder and the cluster's database, so it can be killed for real. Its output is kept for
/// the failure message of a test.
/// </summary>
public sealed class NodeProcess : IAsyncDisposable
{
    public static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(60);

    private readonly Process process;
    private readonly string dataDirectory;
    private readonly bool ownsDataDirectory;
    private readonly ConcurrentQueue<string> output = new();

    private NodeProcess(Process process, string name, Uri baseAddress, string dataDirectory, bool ownsDataDirectory)
    {
        this.process = process;
        Name = name;
        BaseAddress = baseAddress;
        this.dataDirectory = dataDirectory;
        this.ownsDataDirectory = ownsDataDirectory;
    }

    public string DataDirectory => dataDirectory;

    public string Name { get; }

    public Uri BaseAddress { get; }

    public int ProcessId => process.Id;

    public bool HasExited => process.HasExited;

    /// <summary>Starts a node and waits until it answers <c>/health/ready</c>.</summary>
    /// <param name="dataDirectory">A data folder to reuse (a restart); it is then left in place at dispose.</param>
    /// <param name="environment">More variables for the node, such as LEDGER_SETTLEMENT_INTERVAL_SECONDS.</param>
    public static async Task<NodeProcess> StartAsync(
        string name, string role, ClusterDatabase database, string operatorKey, int leaseSeconds = 3, string? dataDirectory = null, IReadOnlyDictionary<string, string>? environment = null)
    {
        var dll = NodeDll();
        var port = FreePort();
        var ownsDataDirectory = dataDirectory is null;
        dataDirectory ??= Path.Combine(Path.GetTempPath(), "ledger-cluster-tests", Guid.NewGuid().ToString("N"));
        var start = new ProcessStartInfo("dotnet", [dll])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment["LEDGER_URLS"] = $"http://127.0.0.1:{port}";
        start.Environment["LEDGER_DATA_DIR"] = dataDirectory;
        start.Environment["LEDGER_DB"] = database.ConnectionString;
        start.Environment["LEDGER_ROLE"] = role;
        start.Environment["LEDGER_OPERATOR_KEY"] = operatorKey;
        start.Environment["LEDGER_SILO_LEASE_SECONDS"] = leaseSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        start.Environment["Logging__LogLevel__Default"] = "Information";
        start.Environment["DOTNET_gcServer"] = "0";
        foreach (var (variable, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[variable] = value;
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException($"Node {name} did not start.");
        var node = new NodeProcess(process, name, new Uri($"http://127.0.0.1:{port}"), dataDirectory, ownsDataDirectory);
        process.OutputDataReceived += (_, e) => node.Keep(e.Data);
        process.ErrorDataReceived += (_, e) => node.Keep(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await node.WaitReadyAsync();
        }
        catch
        {
            await node.DisposeAsync();
            throw;
        }

        return node;
    }

    /// <summary>SIGKILL: the process ends at once, mid-transaction if it is in one.</summary>
    public async Task KillAsync()
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
        }

        await process.WaitForExitAsync();
    }

    /// <summary>SIGKILL to the node's own process only: children it started (a local anvil) live on, orphaned.</summary>
    public async Task KillNodeOnlyAsync()
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: false);
        }

        await process.WaitForExitAsync();
    }

    /// <summary>SIGTERM: the node drains and stops as it would under an orchestrator.</summary>
    public async Task StopAsync()
    {
        if (!process.HasExited)
        {
            using var kill = Process.Start(new ProcessStartInfo("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]) { UseShellExecute = false })!;
            await kill.WaitForExitAsync();
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await process.WaitForExitAsync(timeout.Token);
    }

    /// <summary>The node's last lines of output, for a failure message.</summary>
    public string Output => $"--- {Name} ---\n" + string.Join('\n', output);

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync();
            }
        }
        finally
        {
            process.Dispose();
            try
            {
                if (ownsDataDirectory)
                {
                    Directory.Delete(dataDirectory, recursive: true);
                }
            }
            catch (IOException)
            {
                // Litter in the temporary folder is not a test failure.
            }
            catch (UnauthorizedAccessException)
            {
                // Same.
            }
        }
    }

    private void Keep(string? line)
    {
        if (line is null)
        {
            return;
        }

        output.Enqueue(line);
        while (output.Count > 200 && output.TryDequeue(out _))
        {
        }
    }

    private async Task WaitReadyAsync()
    {
        using var client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(2) };
        var waited = Stopwatch.StartNew();
        while (waited.Elapsed < ReadyTimeout)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"Node {Name} exited with code {process.ExitCode}.\n{Output}");
            }

            try
            {
                using var response = await client.GetAsync(new Uri("/health/ready", UriKind.Relative));
                if (response.IsSuccessStatusCode)
                {
                    return;
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

            await Task.Delay(100);
        }

        throw new TimeoutException($"Node {Name} was not ready within {ReadyTimeout.TotalSeconds} s.\n{Output}");
    }

    /// <summary>The node's build output for the configuration these tests were built in.</summary>
    private static string NodeDll()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Ledger.sln")))
        {
            directory = directory.Parent;
        }

        if (directory is null)
        {
            throw new InvalidOperationException("Ledger.sln not found above the test assembly.");
        }

        var configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Debug{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Debug" : "Release";
        var dll = Path.Combine(directory.FullName, "api", "Ledger.Api", "bin", configuration, "net10.0", "Ledger.Api.dll");
        return File.Exists(dll) ? dll : throw new FileNotFoundException("Build the solution first (make test does).", dll);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

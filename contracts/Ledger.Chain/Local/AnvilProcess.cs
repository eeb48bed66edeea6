using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Ledger.Chain.Rpc;

namespace Ledger.Chain.Local;

/// <summary>
/// A local anvil node on 127.0.0.1, started as a child process and ready once it answers eth_chainId.
/// Stopping sends SIGTERM first so anvil can write its --state file, then kills it if it does not exit.
/// </summary>
public sealed partial class AnvilProcess : IAsyncDisposable
{
    /// <summary>The most output lines kept for error messages; anvil logs every request, so this is bounded.</summary>
    private const int OutputLinesKept = 200;

    private readonly Process _process;
    private readonly AnvilOptions _options;
    private readonly Queue<string> _output = new();
    private readonly TaskCompletionSource<int> _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _stopped;

    private AnvilProcess(Process process, AnvilOptions options)
    {
        _process = process;
        _options = options;
    }

    public Uri RpcUri { get; private set; } = new("http://127.0.0.1/");

    public int Port { get; private set; }

    public ulong ChainId => _options.ChainId;

    public int ProcessId => _process.Id;

    public bool HasExited => _process.HasExited;

    /// <summary>The last lines anvil wrote, for diagnostics.</summary>
    public string RecentOutput
    {
        get
        {
            lock (_output)
            {
                return string.Join(Environment.NewLine, _output);
            }
        }
    }

    /// <summary>Starts anvil and returns once it answers eth_chainId with the expected chain id.</summary>
    public static async Task<AnvilProcess> StartAsync(AnvilOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        var binary = options.BinaryPath ?? AnvilBinary.Find(options.SearchRoot);
        var start = new ProcessStartInfo(binary)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = false,
            UseShellExecute = false,
            CreateNoWindow = true,
        };
        foreach (var argument in Arguments(options))
        {
            start.ArgumentList.Add(argument);
        }

        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        var anvil = new AnvilProcess(process, options);
        process.OutputDataReceived += (_, e) => anvil.OnOutput(e.Data);
        process.ErrorDataReceived += (_, e) => anvil.OnOutput(e.Data);
        process.Exited += (_, _) => anvil._listening.TrySetException(
            new InvalidOperationException($"anvil exited before it listened.{Environment.NewLine}{anvil.RecentOutput}"));
        if (!process.Start())
        {
            process.Dispose();
            throw new InvalidOperationException($"Could not start {binary}.");
        }

        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await anvil.WaitUntilReadyAsync(cancellationToken);
            return anvil;
        }
        catch
        {
            await anvil.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Stops anvil: SIGTERM, so it writes its state file when it has one, then SIGKILL if it has not
    /// exited within the stop timeout. Safe to call more than once.
    /// </summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _stopped, 1) == 1 || _process.HasExited)
        {
            return;
        }

        if (PosixSignal.TryTerminate(_process.Id))
        {
            using var grace = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            grace.CancelAfter(_options.StopTimeout);
            try
            {
                await _process.WaitForExitAsync(grace.Token);
                return;
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                // It did not exit in time; fall through to the kill.
            }
        }

        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync(cancellationToken);
    }

    /// <summary>
    /// Stops an anvil left running by a process that died without stopping it (its parent was killed):
    /// SIGTERM, so it writes its state file first, then SIGKILL after <paramref name="timeout"/>. Does
    /// nothing when <paramref name="processId"/> is not a live process named anvil. Returns whether one was stopped.
    /// </summary>
    public static async Task<bool> StopOrphanAsync(int processId, TimeSpan timeout, CancellationToken cancellationToken)
    {
        System.Diagnostics.Process orphan;
        try
        {
            orphan = System.Diagnostics.Process.GetProcessById(processId);
        }
        catch (ArgumentException)
        {
            return false; // no such process
        }

        using (orphan)
        {
            if (orphan.HasExited || !string.Equals(orphan.ProcessName, "anvil", StringComparison.Ordinal))
            {
                return false;
            }

            if (PosixSignal.TryTerminate(processId))
            {
                using var grace = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                grace.CancelAfter(timeout);
                try
                {
                    await orphan.WaitForExitAsync(grace.Token);
                    return true;
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    // Still running: killed below.
                }
            }

            orphan.Kill(entireProcessTree: true);
            await orphan.WaitForExitAsync(cancellationToken);
            return true;
        }
    }

    /// <summary>Kills anvil at once, as a crash would: no state is written on the way out.</summary>
    public async Task KillAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _stopped, 1) == 1 || _process.HasExited)
        {
            return;
        }

        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync(cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await StopAsync(CancellationToken.None);
        }
        finally
        {
            _process.Dispose();
        }
    }

    private static List<string> Arguments(AnvilOptions options)
    {
        var arguments = new List<string>
        {
            "--host", "127.0.0.1",
            "--port", (options.Port ?? 0).ToString(CultureInfo.InvariantCulture),
            "--chain-id", options.ChainId.ToString(CultureInfo.InvariantCulture),
        };
        if (options.StatePath is { } state)
        {
            arguments.Add("--state");
            arguments.Add(Path.GetFullPath(state));
        }

        if (options.StateIntervalSeconds is { } interval)
        {
            arguments.Add("--state-interval");
            arguments.Add(interval.ToString(CultureInfo.InvariantCulture));
        }

        if (options.BlockTimeSeconds is { } blockTime)
        {
            arguments.Add("--block-time");
            arguments.Add(blockTime.ToString(CultureInfo.InvariantCulture));
        }

        return arguments;
    }

    private void OnOutput(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.Enqueue(line);
            while (_output.Count > OutputLinesKept)
            {
                _output.Dequeue();
            }
        }

        var match = ListeningLine().Match(line);
        if (match.Success)
        {
            _listening.TrySetResult(int.Parse(match.Groups["port"].ValueSpan, CultureInfo.InvariantCulture));
        }
    }

    private async Task WaitUntilReadyAsync(CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(_options.StartTimeout);
        try
        {
            Port = await _listening.Task.WaitAsync(deadline.Token);
            RpcUri = new Uri($"http://127.0.0.1:{Port.ToString(CultureInfo.InvariantCulture)}/");
            using var rpc = new JsonRpcClient(new JsonRpcClientOptions
            {
                Endpoint = RpcUri,
                CallTimeout = TimeSpan.FromSeconds(2),
                MaxAttempts = 10,
                RetryBaseDelay = TimeSpan.FromMilliseconds(50),
                RetryMaxDelay = TimeSpan.FromMilliseconds(500),
            });
            var chainId = await new EthClient(rpc).GetChainIdAsync(deadline.Token);
            if (chainId != _options.ChainId)
            {
                throw new InvalidOperationException($"anvil answers chain id {chainId}; it was started with {_options.ChainId}.");
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException(
                $"anvil did not answer within {_options.StartTimeout.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s.{Environment.NewLine}{RecentOutput}");
        }
    }

    [GeneratedRegex(@"^Listening on [0-9.]+:(?<port>[0-9]+)\s*$")]
    private static partial Regex ListeningLine();
}

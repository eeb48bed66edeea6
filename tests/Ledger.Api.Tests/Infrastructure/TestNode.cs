using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Logging;

namespace Ledger.Api.Tests.Infrastructure;

/// <summary>
/// A real node in this process: Kestrel on 127.0.0.1 with a port the OS picks, SQLite in a temporary
/// data folder, reached over real HTTP. Settings come only from here, never from the environment of
/// whoever runs the tests.
/// </summary>
public sealed partial class TestNode : IAsyncDisposable
{
    /// <summary>The longest a node may take to start or stop before the test fails.</summary>
    public static readonly TimeSpan StartStopTimeout = TimeSpan.FromSeconds(30);

    private readonly WebApplication app;
    private readonly bool ownsDataDirectory;
    private bool stopped;

    private TestNode(WebApplication app, string dataDirectory, bool ownsDataDirectory, StringWriter keyOutput, Uri baseAddress)
    {
        this.app = app;
        this.ownsDataDirectory = ownsDataDirectory;
        DataDirectory = dataDirectory;
        KeyOutput = keyOutput;
        BaseAddress = baseAddress;
    }

    public string DataDirectory { get; }

    /// <summary>What the node printed where it prints a generated operator key.</summary>
    public StringWriter KeyOutput { get; }

    public Uri BaseAddress { get; }

    /// <summary>The operator key: the configured one, else the one in the data folder.</summary>
    public string OperatorKey { get; private set; } = string.Empty;

    public static string NewDataDirectory() =>
        Path.Combine(Path.GetTempPath(), "ledger-api-tests", Guid.NewGuid().ToString("N"));

    /// <summary>Starts a node. Pass a data folder to reuse one (a restart); it is then not deleted on dispose.</summary>
    public static async Task<TestNode> StartAsync(string? dataDirectory = null, string? operatorKey = null, NodeRole role = NodeRole.All, Action<NodeOptions>? configure = null)
    {
        var ownsDataDirectory = dataDirectory is null;
        dataDirectory ??= NewDataDirectory();
        var keyOutput = new StringWriter();
        var app = NodeApp.Build([], options =>
        {
            options.Urls = "http://127.0.0.1:0";
            options.DataDirectory = dataDirectory;
            options.OperatorKey = operatorKey;
            options.PostgresConnectionString = null;
            options.Role = role;
            options.KeyOutput = keyOutput;
            options.ConfigureLogging = logging => logging.ClearProviders();

            // Only the chain tests start a local anvil; they turn it back on.
            options.StartLocalChain = false;
            configure?.Invoke(options);
        });
        using var timeout = new CancellationTokenSource(StartStopTimeout);
        await app.StartAsync(timeout.Token);
        var address = app.Urls.Single();
        var node = new TestNode(app, dataDirectory, ownsDataDirectory, keyOutput, new Uri(address));
        node.OperatorKey = operatorKey ?? (await File.ReadAllTextAsync(Path.Combine(dataDirectory, "operator.key"))).Trim();
        return node;
    }

    /// <summary>The node's services, for tests that look past the HTTP surface (the chain session, say).</summary>
    public IServiceProvider Services => app.Services;

    /// <summary>A client with no credentials.</summary>
    public ApiClient Anonymous() => new(BaseAddress, null);

    public ApiClient As(string apiKey) => new(BaseAddress, apiKey);

    public ApiClient AsOperator() => As(OperatorKey);

    /// <summary>Every key line the node printed.</summary>
    public IReadOnlyList<string> PrintedKeys() =>
        [.. PrintedKey().Matches(KeyOutput.ToString()).Select(m => m.Groups[1].Value)];

    public async Task StopAsync()
    {
        if (stopped)
        {
            return;
        }

        stopped = true;
        using var timeout = new CancellationTokenSource(StartStopTimeout);
        await app.StopAsync(timeout.Token);
        await app.DisposeAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        KeyOutput.Dispose();
        if (ownsDataDirectory)
        {
            DeleteQuietly(DataDirectory);
        }
    }

    public static void DeleteQuietly(string directory)
    {
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
            // A temporary folder left behind is harmless.
        }
    }

    [GeneratedRegex("^operator api key: (\\S+)$", RegexOptions.Multiline)]
    private static partial Regex PrintedKey();
}

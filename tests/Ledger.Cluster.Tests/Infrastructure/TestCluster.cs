using System.Globalization;
using System.Net;
using System.Text.Json;
using Ledger.Core.Codec;

namespace Ledger.Cluster.Tests.Infrastructure;

/// <summary>
/// A database and the node processes started on it, all stopped and dropped at the end; plus the
/// set-up steps the tests share (operator accounts, transfer bodies, metrics).
/// </summary>
public sealed class TestCluster : IAsyncDisposable
{
    public const string OperatorId = "00000000-0000-0000-0000-000000000001";

    private readonly List<NodeProcess> nodes = [];

    private TestCluster(ClusterDatabase database) => Database = database;

    public ClusterDatabase Database { get; }

    public string OperatorKey { get; } = "lk_cluster_" + Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16));

    public static async Task<TestCluster> CreateAsync() => new(await ClusterDatabase.CreateAsync());

    public static string NewId() => Uuid.Format(Uuid.NewV7());

    /// <summary>The API's form of an id column as stored: 16 bytes, big-endian.</summary>
    public static string IdOf(byte[] stored) => Uuid.Format(System.Buffers.Binary.BinaryPrimitives.ReadUInt128BigEndian(stored));

    public async Task<NodeProcess> StartAsync(string name, string role, int leaseSeconds = 3, string? dataDirectory = null, IReadOnlyDictionary<string, string>? environment = null)
    {
        var node = await NodeProcess.StartAsync(name, role, Database, OperatorKey, leaseSeconds, dataDirectory, environment);
        nodes.Add(node);
        return node;
    }

    public Http Operator(NodeProcess node, TimeSpan? timeout = null) => new(node.BaseAddress, OperatorKey, timeout);

    /// <summary>Every node's kept output, for a failure message.</summary>
    public string Output => string.Join('\n', nodes.Select(static n => n.Output));

    /// <summary>An operator-owned USD account; <paramref name="flags"/> as in the API.</summary>
    public static async Task<string> OpenAccountAsync(Http client, params string[] flags)
    {
        var id = NewId();
        var (status, body) = await client.PostAsync("/v1/accounts", new { id, owner_id = OperatorId, currency = "USD", code = "settlement", flags });
        Assert.True(status == HttpStatusCode.Created, $"{status}: {body}");
        return id;
    }

    public static object Transfer(string id, string debit, string credit, ulong amount, string[]? flags = null, int? timeoutSeconds = null) =>
        timeoutSeconds is null
            ? new { id, debit_account_id = debit, credit_account_id = credit, amount = amount.ToString(CultureInfo.InvariantCulture), currency = "USD", code = 1, flags = flags ?? [] }
            : new { id, debit_account_id = debit, credit_account_id = credit, amount = amount.ToString(CultureInfo.InvariantCulture), currency = "USD", code = 1, flags = flags ?? [], timeout_seconds = timeoutSeconds.Value };

    /// <summary>Posts one batch and returns each event's status, in order.</summary>
    public static async Task<string[]> CreateTransfersAsync(Http client, IReadOnlyList<object> transfers)
    {
        var (status, body) = await client.PostAsync("/v1/transfers", new { transfers });
        Assert.True(status == HttpStatusCode.OK, $"{status}: {body}");
        return [.. body.GetProperty("results").EnumerateArray().Select(static r => r.GetProperty("status").GetString()!)];
    }

    public static async Task<JsonElement> AccountAsync(Http client, string id)
    {
        var (status, body) = await client.GetAsync($"/v1/accounts/{id}");
        Assert.True(status == HttpStatusCode.OK, $"{status}: {body}");
        return body;
    }

    public static UInt128 Amount(JsonElement account, string field) => UInt128.Parse(account.GetProperty(field).GetString()!, CultureInfo.InvariantCulture);

    /// <summary>One sample's value from a node's /metrics, or null when the node does not export it.</summary>
    public static async Task<long?> MetricAsync(NodeProcess node, string name)
    {
        using var client = new HttpClient { BaseAddress = node.BaseAddress, Timeout = TimeSpan.FromSeconds(2) };
        var text = await client.GetStringAsync(new Uri("/metrics", UriKind.Relative));
        foreach (var line in text.Split('\n'))
        {
            if (line.StartsWith(name + " ", StringComparison.Ordinal))
            {
                return long.Parse(line[(name.Length + 1)..], CultureInfo.InvariantCulture);
            }
        }

        return null;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var node in nodes)
        {
            await node.DisposeAsync();
        }

        await Database.DisposeAsync();
    }
}

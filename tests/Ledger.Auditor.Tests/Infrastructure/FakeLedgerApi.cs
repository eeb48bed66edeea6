using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using Ledger.Chain.Encoding;

namespace Ledger.Auditor.Tests.Infrastructure;

/// <summary>
/// Stands in for the ledger's HTTP API, which is being built alongside this tool and cannot run here yet:
/// a loopback HttpListener serving API.md's shapes for GET /v1/chain, /v1/settlements, /v1/log/records,
/// /v1/proofs/consistency and fixed documents (proofs), from a <see cref="ReferenceTree"/>. Tests change
/// what it serves to make the node lie.
/// </summary>
internal sealed class FakeLedgerApi : IAsyncDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Task _loop;

    public FakeLedgerApi(ReferenceTree tree, ulong chainId, string anchorContract)
    {
        Tree = tree;
        ChainId = chainId;
        AnchorContract = anchorContract;
        var port = FreePort();
        BaseUri = new Uri($"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}/");
        _listener.Prefixes.Add(BaseUri.AbsoluteUri);
        _listener.Start();
        _loop = Task.Run(ServeAsync);
    }

    public Uri BaseUri { get; }

    public ReferenceTree Tree { get; }

    public ulong ChainId { get; set; }

    public string AnchorContract { get; }

    public List<FakeSettlement> Settlements { get; } = [];

    /// <summary>Records served in place of the tree's, by log index.</summary>
    public Dictionary<int, byte[]> RecordOverrides { get; } = [];

    /// <summary>When set, the consistency proof served for (from, to) instead of the true one.</summary>
    public Func<int, int, IReadOnlyList<byte[]>>? ConsistencyOverride { get; set; }

    /// <summary>Fixed JSON answers by path, such as a proof at v1/proofs/transfers/{id}.</summary>
    public Dictionary<string, string> Documents { get; } = [];

    /// <summary>When set, requests without "Authorization: Bearer {key}" get 401.</summary>
    public string? RequiredKey { get; set; }

    /// <summary>Settles the tree at each size, status as given, roots from the reference tree.</summary>
    public void SettleAt(IReadOnlyList<int> sizes, Func<int, string> status)
    {
        var first = 0;
        for (var i = 0; i < sizes.Count; i++)
        {
            Settlements.Add(new FakeSettlement((ulong)i + 1, (ulong)first, (ulong)sizes[i], Tree.Root(sizes[i]), status(i + 1)));
            first = sizes[i];
        }
    }

    public async ValueTask DisposeAsync()
    {
        _listener.Stop();
        _listener.Close();
        try
        {
            await _loop;
        }
        catch (Exception exception) when (exception is HttpListenerException or ObjectDisposedException)
        {
            // Stopping.
        }
    }

    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception exception) when (exception is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            var (status, body) = Answer(context.Request);
            var bytes = Encoding.UTF8.GetBytes(body);
            context.Response.StatusCode = status;
            context.Response.ContentType = "application/json";
            await context.Response.OutputStream.WriteAsync(bytes);
            context.Response.Close();
        }
    }

    private (int Status, string Body) Answer(HttpListenerRequest request)
    {
        if (RequiredKey is not null && request.Headers["Authorization"] != $"Bearer {RequiredKey}")
        {
            return (401, """{"type":"about:blank","title":"Unauthorized","status":401,"code":"unauthorized"}""");
        }

        var path = request.Url!.AbsolutePath.TrimStart('/');
        var query = request.QueryString;
        ulong Number(string name) => ulong.Parse(query[name]!, CultureInfo.InvariantCulture);
        return path switch
        {
            "v1/chain" => (200, new JsonObject
            {
                ["chain_id"] = ChainId,
                ["rpc_url"] = null,
                ["contracts"] = new JsonObject { ["anchor"] = AnchorContract, ["escrow"] = AnchorContract, ["stablecoin"] = AnchorContract },
                ["confirmations"] = 2,
            }.ToJsonString()),
            "v1/settlements" => (200, SettlementsPage(Number("after"), (int)Number("limit"))),
            "v1/log/records" => (200, RecordsPage((int)Number("from"), (int)Number("limit"))),
            "v1/proofs/consistency" => (200, Consistency((int)Number("from"), (int)Number("to"))),
            _ when Documents.TryGetValue(path, out var document) => (200, document),
            _ => (404, """{"type":"about:blank","title":"Not Found","status":404,"code":"not_found"}"""),
        };
    }

    private string SettlementsPage(ulong after, int limit) => new JsonObject
    {
        ["settlements"] = new JsonArray([.. Settlements.Where(s => s.Seq > after).Take(limit).Select(s => (JsonNode)new JsonObject
        {
            ["seq"] = s.Seq,
            ["first_log_index"] = s.FirstLogIndex,
            ["tree_size"] = s.TreeSize,
            ["root"] = Hex.ToHex(s.Root),
            ["closed_at"] = "2025-10-09T08:53:20Z",
            ["net_positions"] = new JsonArray(),
            ["anchor"] = new JsonObject { ["status"] = s.Status, ["tx_hash"] = null, ["block_number"] = null },
        })]),
    }.ToJsonString();

    private string RecordsPage(int from, int limit) => new JsonObject
    {
        ["records"] = new JsonArray([.. Enumerable.Range(from, Math.Max(0, Math.Min(limit, Tree.Size - from))).Select(i => (JsonNode)new JsonObject
        {
            ["index"] = i,
            ["record"] = Hex.ToHex(RecordOverrides.TryGetValue(i, out var replaced) ? replaced : Tree.Records[i]),
        })]),
    }.ToJsonString();

    private string Consistency(int from, int to) => new JsonObject
    {
        ["from"] = from,
        ["to"] = to,
        ["proof"] = new JsonArray([.. (ConsistencyOverride?.Invoke(from, to) ?? Tree.ConsistencyProof(from, to)).Select(h => (JsonNode)JsonValue.Create(Hex.ToHex(h)))]),
    }.ToJsonString();
}

/// <summary>One settlement as the fake API lists it.</summary>
internal sealed record FakeSettlement(ulong Seq, ulong FirstLogIndex, ulong TreeSize, byte[] Root, string Status);

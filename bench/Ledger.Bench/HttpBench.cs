using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Ledger.Core.Codec;

namespace Ledger.Bench;

/// <summary>
/// (b) Transfers per second through HTTP with several concurrent clients, and (c) commit latency at half
/// of the peak rate measured with batches of 100. Request bodies are built before the clock starts, so
/// the figures are the node's, not the JSON writer's of this process (both share the machine's 2 cores).
/// </summary>
internal sealed class HttpBench(NodeProcess node, TextWriter log)
{
    private readonly HttpClient client = CreateClient(node);
    private readonly List<string> accounts = [];

    public async Task CreateAccountsAsync(int count)
    {
        using var me = await client.GetAsync(new Uri("/v1/participants/me", UriKind.Relative));
        me.EnsureSuccessStatusCode();
        var ownerId = (await me.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
        for (var i = 0; i < count; i++)
        {
            var id = Uuid.Format(Uuid.NewV7());
            using var response = await client.PostAsJsonAsync(new Uri("/v1/accounts", UriKind.Relative), new { id, owner_id = ownerId, currency = "USD", code = "settlement", flags = Array.Empty<string>() });
            if (!response.IsSuccessStatusCode)
            {
                throw new InvalidOperationException($"Account creation failed: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            }

            accounts.Add(id);
        }
    }

    /// <summary>Closed loop: each client sends its next request when the last one answered.</summary>
    public async Task<double> ThroughputAsync(int batchSize, int clients, TimeSpan duration, int requestsMax)
    {
        var bodies = Bodies(batchSize, requestsMax);
        var next = -1;
        var committed = 0L;
        var clock = Stopwatch.StartNew();
        var workers = Enumerable.Range(0, clients).Select(async _ =>
        {
            while (clock.Elapsed < duration)
            {
                var index = Interlocked.Increment(ref next);
                if (index >= bodies.Count)
                {
                    return;
                }

                Interlocked.Add(ref committed, await SendAsync(bodies[index]));
            }
        });
        await Task.WhenAll(workers);
        var tps = committed / clock.Elapsed.TotalSeconds;
        log.WriteLine($"http: batch {batchSize}, {clients} clients: {committed} transfers in {clock.Elapsed.TotalSeconds:F2} s = {tps:F0} transfers/s");
        return tps;
    }

    /// <summary>Open loop at a fixed rate: requests leave on schedule whether or not earlier ones answered.</summary>
    public async Task<(double P50, double P99)> LatencyAsync(int batchSize, double transfersPerSecond, TimeSpan duration)
    {
        var requestsPerSecond = Math.Max(1, transfersPerSecond / batchSize);
        var count = (int)Math.Max(10, requestsPerSecond * duration.TotalSeconds);
        var bodies = Bodies(batchSize, count);
        var latencies = new double[count];
        var interval = TimeSpan.FromSeconds(1 / requestsPerSecond);
        var clock = Stopwatch.StartNew();
        var inflight = new List<Task>(count);
        for (var i = 0; i < count; i++)
        {
            var due = interval * i;
            var wait = due - clock.Elapsed;
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait);
            }

            var index = i;
            inflight.Add(Task.Run(async () =>
            {
                var started = Stopwatch.GetTimestamp();
                await SendAsync(bodies[index]);
                latencies[index] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            }));
        }

        await Task.WhenAll(inflight);
        Array.Sort(latencies);
        var p50 = latencies[(int)(count * 0.50)];
        var p99 = latencies[Math.Min(count - 1, (int)(count * 0.99))];
        log.WriteLine($"latency: {count} requests of {batchSize} at {transfersPerSecond:F0} transfers/s: p50 {p50:F2} ms, p99 {p99:F2} ms");
        return (p50, p99);
    }

    private async Task<int> SendAsync(byte[] body)
    {
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var response = await client.PostAsync(new Uri("/v1/transfers", UriKind.Relative), content);
        var text = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"Transfers failed: {(int)response.StatusCode} {text[..Math.Min(300, text.Length)]}");
        }

        using var document = JsonDocument.Parse(text);
        var created = 0;
        foreach (var result in document.RootElement.GetProperty("results").EnumerateArray())
        {
            if (result.GetProperty("status").GetString() == "created")
            {
                created++;
            }
        }

        return created;
    }

    private List<byte[]> Bodies(int batchSize, int count)
    {
        var random = new Random(batchSize);
        var bodies = new List<byte[]>(count);
        var builder = new StringBuilder();
        for (var r = 0; r < count; r++)
        {
            builder.Clear().Append("{\"transfers\":[");
            for (var i = 0; i < batchSize; i++)
            {
                var debit = random.Next(accounts.Count);
                var credit = (debit + 1 + random.Next(accounts.Count - 1)) % accounts.Count;
                if (i > 0)
                {
                    builder.Append(',');
                }

                builder.Append("{\"id\":\"").Append(Uuid.Format(Uuid.NewV7()))
                    .Append("\",\"debit_account_id\":\"").Append(accounts[debit])
                    .Append("\",\"credit_account_id\":\"").Append(accounts[credit])
                    .Append("\",\"amount\":\"").Append(random.Next(1, 100_000))
                    .Append("\",\"currency\":\"USD\",\"code\":1}");
            }

            bodies.Add(Encoding.UTF8.GetBytes(builder.Append("]}").ToString()));
        }

        return bodies;
    }

    private static HttpClient CreateClient(NodeProcess node)
    {
        var handler = new SocketsHttpHandler { MaxConnectionsPerServer = 64, PooledConnectionLifetime = TimeSpan.FromMinutes(10) };
        var client = new HttpClient(handler) { BaseAddress = node.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", node.OperatorKey);
        return client;
    }
}

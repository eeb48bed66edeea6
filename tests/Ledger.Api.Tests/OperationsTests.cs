using System.Net;
using System.Text.Json;
using Ledger.Api.Tests.Infrastructure;

namespace Ledger.Api.Tests;

/// <summary>Health, metrics, the OpenAPI document, and problems for routes that do not exist.</summary>
public sealed class OperationsTests(NodeFixture fixture) : IClassFixture<NodeFixture>
{
    private readonly Scenario scenario = fixture.Scenario;

    [Fact]
    public async Task Health_is_live_and_ready_without_a_key()
    {
        using var client = scenario.Node.Anonymous();
        var live = await client.GetAsync("/health/live");
        Assert.Equal(HttpStatusCode.OK, live.Status);
        Assert.Equal("live", live.Json.GetProperty("status").GetString());
        var ready = await client.GetAsync("/health/ready");
        Assert.Equal(HttpStatusCode.OK, ready.Status);
        Assert.Equal("ready", ready.Json.GetProperty("status").GetString());
    }

    [Fact]
    public async Task The_OpenAPI_document_describes_every_v1_endpoint_with_its_bodies()
    {
        using var client = scenario.Node.Anonymous();
        var answer = await client.GetAsync("/openapi/v1.json");
        Assert.Equal(HttpStatusCode.OK, answer.Status);
        var paths = answer.Json.GetProperty("paths");
        var expected = new (string Path, string Method)[]
        {
            ("/v1/participants/me", "get"),
            ("/v1/participants", "post"),
            ("/v1/participants/{id}", "get"),
            ("/v1/currencies", "post"),
            ("/v1/currencies", "get"),
            ("/v1/accounts", "post"),
            ("/v1/accounts/{id}", "get"),
            ("/v1/accounts/{id}/transfers", "get"),
            ("/v1/accounts/{id}/balances", "get"),
            ("/v1/transfers", "post"),
            ("/v1/transfers/{id}", "get"),
            ("/v1/chain", "get"),
            ("/v1/settlements", "get"),
            ("/v1/settlements/{seq}", "get"),
            ("/v1/proofs/transfers/{id}", "get"),
            ("/v1/proofs/consistency", "get"),
            ("/v1/log/records", "get"),
            ("/v1/participants/{id}", "patch"),
            ("/v1/participants/{id}/risk", "put"),
            ("/v1/participants/{id}/risk", "get"),
            ("/v1/participants/{id}/risk", "delete"),
            ("/v1/risk/default", "put"),
            ("/v1/risk/default", "get"),
            ("/v1/risk/default", "delete"),
            ("/v1/fx/rates/{base}/{quote}", "put"),
            ("/v1/fx/rates", "get"),
            ("/v1/fx/currencies/{code}", "put"),
            ("/v1/fx/currencies", "get"),
            ("/v1/fx/quotes", "post"),
            ("/v1/fx/quotes/{id}", "get"),
            ("/v1/payments", "post"),
            ("/v1/payments", "get"),
            ("/v1/payments/{id}", "get"),
            ("/v1/payments/{id}/release", "post"),
            ("/v1/payments/{id}/reject", "post"),
            ("/v1/payments/{id}/refunds", "post"),
            ("/v1/payments/{id}/refunds", "get"),
            ("/v1/payouts/deny-list/{address}", "put"),
            ("/v1/payouts/deny-list/{address}", "delete"),
            ("/v1/payouts/deny-list", "get"),
            ("/v1/payouts", "post"),
            ("/v1/payouts", "get"),
            ("/v1/payouts/{id}", "get"),
            ("/v1/escrows", "post"),
            ("/v1/escrows", "get"),
            ("/v1/escrows/{id}", "get"),
            ("/v1/escrows/{id}/release", "post"),
            ("/v1/escrows/{id}/refund", "post"),
            ("/v1/reconciliation", "get"),
            ("/health/live", "get"),
            ("/health/ready", "get"),
            ("/metrics", "get"),
        };
        foreach (var (path, method) in expected)
        {
            Assert.True(paths.TryGetProperty(path, out var item), $"The document has no {path}.");
            Assert.True(item.TryGetProperty(method, out var operation), $"The document has no {method} {path}.");
            Assert.True(operation.GetProperty("responses").EnumerateObject().Any(), $"{method} {path} describes no response.");
            // An escrow's release and refund take no body: the path says everything.
            if (method is "post" or "put" or "patch" && !path.StartsWith("/v1/escrows/{id}/", StringComparison.Ordinal))
            {
                Assert.True(
                    operation.GetProperty("requestBody").GetProperty("content").TryGetProperty("application/json", out _),
                    $"{method} {path} describes no JSON request body.");
            }
        }

        var v1Paths = paths.EnumerateObject().Select(p => p.Name).Where(p => p.StartsWith("/v1/", StringComparison.Ordinal)).ToHashSet();
        Assert.Equal(expected.Select(e => e.Path).Where(p => p.StartsWith("/v1/", StringComparison.Ordinal)).ToHashSet(), v1Paths);

        // The wire names of API.md, snake_case, in the schemas.
        var schemas = answer.Json.GetProperty("components").GetProperty("schemas");
        var transfer = Members(schemas.GetProperty("TransferBody"));
        foreach (var name in new[] { "id", "debit_account_id", "credit_account_id", "amount", "currency", "code", "flags", "pending_id", "timeout_seconds", "reference", "user_data_64", "user_data_32" })
        {
            Assert.Contains(name, transfer);
        }

        var quote = Members(schemas.GetProperty("QuoteResponse"));
        foreach (var name in new[] { "id", "rate", "sell_amount", "buy_amount", "fee_amount", "fee_currency", "expires_at" })
        {
            Assert.Contains(name, quote);
        }

        var payment = Members(schemas.GetProperty("PaymentResponse"));
        foreach (var name in new[] { "id", "status", "legs", "reason" })
        {
            Assert.Contains(name, payment);
        }

        var account = Members(schemas.GetProperty("AccountResponse"));
        foreach (var name in new[] { "id", "owner_id", "currency", "code", "flags", "debits_pending", "debits_posted", "credits_pending", "credits_posted", "timestamp", "timestamp_ns" })
        {
            Assert.Contains(name, account);
        }

        Assert.Contains("log_index", Members(schemas.GetProperty("TransferResponse")));
        Assert.Contains("settlement_seq", Members(schemas.GetProperty("TransferResponse")));
        Assert.Equal(JsonValueKind.Object, answer.Json.GetProperty("components").GetProperty("securitySchemes").GetProperty("bearer").ValueKind);
    }

    [Fact]
    public async Task Metrics_show_the_ledger_counters_the_latency_histogram_and_requests_by_status()
    {
        var funding = await scenario.OpenFundingAccountAsync();
        var (bankId, bankKey) = await scenario.CreateParticipantAsync("bank");
        using var bank = scenario.Node.As(bankKey);
        var a = await scenario.OpenAccountAsync(bank, bankId);
        using (var op = scenario.Node.AsOperator())
        {
            await scenario.TransferAsync(op, funding, a, "5");
        }

        using var client = scenario.Node.Anonymous();
        await client.GetAsync("/v1/participants/me");
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(scenario.Node.BaseAddress, "/metrics"));
        using var http = new HttpClient { Timeout = ApiClient.RequestTimeout };
        using var response = await http.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains(response.Content.Headers.ContentType!.Parameters, p => p.Name == "version" && p.Value == "0.0.4");
        var text = await response.Content.ReadAsStringAsync();
        var values = text.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Where(line => !line.StartsWith('#'))
            .Select(line => line.Split(' '))
            .ToDictionary(parts => parts[0], parts => double.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture));

        Assert.True(values["ledger_transfers_committed_total"] >= 1);
        Assert.True(values["ledger_accounts_created_total"] >= 2);
        Assert.True(values["ledger_commit_batches_total"] >= 3);
        Assert.True(values["ledger_events_submitted_total"] >= 3);
        Assert.True(values.ContainsKey("ledger_pending_expired_total"));
        Assert.True(values["ledger_commit_latency_ms_bucket{le=\"+Inf\"}"] >= 3);
        Assert.Equal(values["ledger_commit_latency_ms_bucket{le=\"+Inf\"}"], values["ledger_commit_latency_ms_count"]);
        Assert.True(values.ContainsKey("ledger_commit_latency_ms_sum"));
        Assert.True(values["ledger_http_requests_total{status=\"200\"}"] >= 1);
        Assert.True(values["ledger_http_requests_total{status=\"201\"}"] >= 3);
        Assert.True(values["ledger_http_requests_total{status=\"401\"}"] >= 1);
        Assert.Contains("# TYPE ledger_commit_latency_ms histogram", text, StringComparison.Ordinal);
        Assert.Contains("# TYPE ledger_transfers_committed_total counter", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unknown_routes_and_methods_are_problems_too()
    {
        using var op = scenario.Node.AsOperator();
        var missing = await op.GetAsync("/v1/nothing-here");
        Assert.Equal(HttpStatusCode.NotFound, missing.Status);
        Assert.Equal("not_found", missing.ProblemCode());
        var method = await op.SendAsync(HttpMethod.Delete, "/v1/currencies", null);
        Assert.Equal(HttpStatusCode.MethodNotAllowed, method.Status);
        Assert.Equal("method_not_allowed", method.ProblemCode());
    }

    private static HashSet<string> Members(JsonElement schema) =>
        [.. schema.GetProperty("properties").EnumerateObject().Select(p => p.Name)];
}

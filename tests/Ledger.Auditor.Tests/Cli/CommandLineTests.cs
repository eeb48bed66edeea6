using System.Text.Json;
using Ledger.Auditor.Tests.Infrastructure;

namespace Ledger.Auditor.Tests.Cli;

public sealed class CommandLineTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("ledger-auditor-cli-").FullName;

    [Fact]
    public async Task No_command_shows_usage_and_exits_1()
    {
        var run = await CommandRun.InvokeAsync();

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("Required command was not provided", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_proof_without_rpc_is_a_usage_error()
    {
        var run = await CommandRun.InvokeAsync("verify-proof", "proof.json");

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("Option '--rpc' is required.", run.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--rpc", "ftp://example.org", "'ftp://example.org' is not an http or https URL.")]
    [InlineData("--confirmations", "0", "--confirmations must be at least 1.")]
    public async Task Bad_option_values_are_refused_with_the_reason(string option, string value, string message)
    {
        var args = option == "--rpc"
            ? new[] { "verify-proof", "proof.json", option, value }
            : ["verify-proof", "proof.json", "--rpc", "http://127.0.0.1:1/", option, value];

        var run = await CommandRun.InvokeAsync(args);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains(message, run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Replay_needs_api_and_rpc_and_a_page_size_in_range()
    {
        var missing = await CommandRun.InvokeAsync("replay", "--rpc", "http://127.0.0.1:1/");
        var page = await CommandRun.InvokeAsync("replay", "--api", "http://127.0.0.1:1/", "--rpc", "http://127.0.0.1:1/", "--page-size", "10001");

        Assert.Equal(1, missing.ExitCode);
        Assert.Contains("Option '--api' is required.", missing.Error, StringComparison.Ordinal);
        Assert.Equal(1, page.ExitCode);
        Assert.Contains("--page-size must be 1..10000.", page.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_file_fails_the_proof_document_check()
    {
        var run = await CommandRun.InvokeAsync("verify-proof", Path.Combine(_folder, "absent.json"), "--rpc", "http://127.0.0.1:1/");

        Assert.Equal(1, run.ExitCode);
        Assert.Equal("FAIL", run.Label("proof_document"));
        Assert.Contains("No proof file at", run.Output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{ not json", "The proof is not JSON")]
    [InlineData("""{"transfer":{}}""", "proof has no 'anchor'")]
    public async Task A_malformed_proof_fails_the_proof_document_check_and_says_why(string json, string message)
    {
        var path = Path.Combine(_folder, "bad.json");
        await File.WriteAllTextAsync(path, json);

        var run = await CommandRun.InvokeAsync("verify-proof", path, "--rpc", "http://127.0.0.1:1/");

        Assert.Equal(1, run.ExitCode);
        Assert.Contains(message, run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_short_record_is_named()
    {
        var (proof, _) = ProofFixture.Build(new TestTransfer(), 1, 3, seed: 3);
        proof["record"] = "0x00ff";
        var path = Path.Combine(_folder, "short.json");
        await File.WriteAllTextAsync(path, proof.ToJsonString());

        var run = await CommandRun.InvokeAsync("verify-proof", path, "--rpc", "http://127.0.0.1:1/");

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("proof.record is not 0x and 256 hex digits", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unreachable_rpc_passes_the_proof_checks_fails_the_chain_id_and_skips_the_rest_as_json()
    {
        var (proof, _) = ProofFixture.Build(new TestTransfer(), 4, 9, seed: 9);
        var path = Path.Combine(_folder, "proof.json");
        await File.WriteAllTextAsync(path, proof.ToJsonString());

        var run = await CommandRun.InvokeAsync("verify-proof", path, "--rpc", "http://127.0.0.1:1/", "--json");

        Assert.Equal(1, run.ExitCode);
        using var report = JsonDocument.Parse(run.Output);
        Assert.False(report.RootElement.GetProperty("verified").GetBoolean());
        var statuses = report.RootElement.GetProperty("checks").EnumerateArray()
            .ToDictionary(c => c.GetProperty("name").GetString()!, c => c.GetProperty("status").GetString());
        Assert.Equal("pass", statuses["record_fields"]);
        Assert.Equal("pass", statuses["leaf_hash"]);
        Assert.Equal("pass", statuses["inclusion"]);
        Assert.Equal("fail", statuses["chain_id"]);
        Assert.Equal("skip", statuses["anchor_contract"]);
        Assert.Equal("skip", statuses["anchor_receipt"]);
        Assert.Equal(["chain_id", "anchor_contract", "anchor_receipt"], report.RootElement.GetProperty("failed").EnumerateArray().Select(e => e.GetString()));
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}

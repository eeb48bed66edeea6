using System.Net;
using Ledger.Api.Tests.Infrastructure;

namespace Ledger.Api.Tests;

/// <summary>Bad input to the settlement and proof endpoints: a problem with its code, nothing changed; auditors' reads only.</summary>
public sealed class ProofInputTests
{
    [Theory]
    [InlineData("/v1/settlements?limit=0", "invalid_limit")]
    [InlineData("/v1/settlements?limit=1001", "invalid_limit")]
    [InlineData("/v1/settlements?after=-1", "invalid_after")]
    [InlineData("/v1/settlements/0", "invalid_seq")]
    [InlineData("/v1/settlements/abc", "invalid_seq")]
    [InlineData("/v1/proofs/consistency", "missing_size")]
    [InlineData("/v1/proofs/consistency?from=1", "missing_size")]
    [InlineData("/v1/proofs/consistency?from=x&to=2", "invalid_from")]
    [InlineData("/v1/proofs/consistency?from=2&to=1", "invalid_range")]
    [InlineData("/v1/proofs/consistency?from=1&to=99", "invalid_range")]
    [InlineData("/v1/log/records?limit=10001", "invalid_limit")]
    [InlineData("/v1/log/records?from=1.5", "invalid_from")]
    [InlineData("/v1/proofs/transfers/not-a-uuid", "invalid_id")]
    public async Task Bad_queries_are_400_with_their_code(string path, string code)
    {
        await using var node = await TestNode.StartAsync();
        using var op = node.AsOperator();
        var response = await op.GetAsync(path);
        Assert.True(response.Status == HttpStatusCode.BadRequest, response.ToString());
        Assert.Equal(code, response.ProblemCode());
    }

    [Fact]
    public async Task Proofs_are_404_for_unknown_or_unanchored_transfers_and_raw_records_are_for_the_operator_and_auditors()
    {
        await using var node = await TestNode.StartAsync();
        var scenario = new Scenario(node);
        using var op = node.AsOperator();
        var unknown = await op.GetAsync($"/v1/proofs/transfers/{Scenario.NewId()}");
        Assert.Equal("not_found", unknown.ProblemCode());

        var funding = await scenario.OpenFundingAccountAsync();
        var other = await scenario.OpenFundingAccountAsync();
        var transfer = await scenario.TransferAsync(op, funding, other, "5");
        var unanchored = await op.GetAsync($"/v1/proofs/transfers/{transfer}");
        Assert.Equal(HttpStatusCode.NotFound, unanchored.Status);
        Assert.Equal("not_anchored", unanchored.ProblemCode());

        var records = await op.GetAsync("/v1/log/records?from=0&limit=10");
        Assert.Equal(HttpStatusCode.OK, records.Status);
        Assert.Equal(1, records.Json.GetProperty("records").GetArrayLength());
        Assert.Equal(258, records.Json.GetProperty("records")[0].GetProperty("record").GetString()!.Length);

        var (_, bankKey) = await scenario.CreateParticipantAsync("bank");
        using var bank = node.As(bankKey);
        Assert.Equal("forbidden", (await bank.GetAsync("/v1/log/records")).ProblemCode());
        var (_, auditorKey) = await scenario.CreateParticipantAsync("auditor");
        using var auditor = node.As(auditorKey);
        Assert.Equal(HttpStatusCode.OK, (await auditor.GetAsync("/v1/log/records")).Status);
        Assert.Equal(HttpStatusCode.OK, (await auditor.GetAsync("/v1/settlements")).Status);
    }
}

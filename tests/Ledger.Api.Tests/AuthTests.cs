using System.Net;
using Ledger.Api.Tests.Infrastructure;

namespace Ledger.Api.Tests;

/// <summary>401 for missing or unknown keys; 403 for the wrong role or someone else's account.</summary>
public sealed class AuthTests(NodeFixture fixture) : IClassFixture<NodeFixture>
{
    private readonly Scenario scenario = fixture.Scenario;

    [Theory]
    [InlineData(null)]
    [InlineData("Bearer lk_not_a_key_of_anyone_000000000000000000000")]
    [InlineData("Basic b3BlcmF0b3I6c2VjcmV0")]
    [InlineData("Bearer ")]
    public async Task A_missing_or_unknown_key_is_401_problem(string? authorization)
    {
        using var client = scenario.Node.Anonymous();
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(scenario.Node.BaseAddress, "/v1/participants/me"));
        if (authorization is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", authorization);
        }

        using var http = new HttpClient { Timeout = ApiClient.RequestTimeout };
        using var response = await http.SendAsync(request);
        var answer = new ApiResponse(response.StatusCode, response.Content.Headers.ContentType?.MediaType, await response.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.Unauthorized, answer.Status);
        Assert.Equal("unauthorized", answer.ProblemCode());
        Assert.Contains("Bearer", response.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_key_is_401_even_with_a_bad_body()
    {
        using var client = scenario.Node.Anonymous();
        var answer = await client.PostAsync("/v1/transfers", "{not json");
        Assert.Equal(HttpStatusCode.Unauthorized, answer.Status);
        Assert.Equal("unauthorized", answer.ProblemCode());
    }

    [Theory]
    [InlineData("bank")]
    [InlineData("merchant")]
    [InlineData("auditor")]
    public async Task Participants_me_returns_the_callers_own_record(string role)
    {
        var (id, key) = await scenario.CreateParticipantAsync(role);
        using var client = scenario.Node.As(key);
        var me = await client.GetAsync("/v1/participants/me");
        Assert.Equal(HttpStatusCode.OK, me.Status);
        Assert.Equal(id, me.Json.GetProperty("id").GetString());
        Assert.Equal(role, me.Json.GetProperty("role").GetString());
        Assert.Equal("GB", me.Json.GetProperty("country").GetString());
        Assert.Equal("verified", me.Json.GetProperty("kyc_status").GetString());
        Assert.EndsWith("Z", me.Json.GetProperty("created_at").GetString()!, StringComparison.Ordinal);
        Assert.False(me.Json.TryGetProperty("api_key", out _));
    }

    [Fact]
    public async Task Participants_me_for_the_operator()
    {
        using var client = scenario.Node.AsOperator();
        var me = await client.GetAsync("/v1/participants/me");
        Assert.Equal(HttpStatusCode.OK, me.Status);
        Assert.Equal(Scenario.OperatorId, me.Json.GetProperty("id").GetString());
        Assert.Equal("operator", me.Json.GetProperty("role").GetString());
    }

    [Fact]
    public async Task Only_the_operator_registers_participants_and_currencies()
    {
        var (_, bankKey) = await scenario.CreateParticipantAsync("bank");
        var (_, auditorKey) = await scenario.CreateParticipantAsync("auditor");
        foreach (var key in new[] { bankKey, auditorKey })
        {
            using var client = scenario.Node.As(key);
            var participant = await client.PostAsync("/v1/participants", new { id = Scenario.NewId(), name = "X", role = "bank", country = "GB", kyc_status = "verified" });
            Assert.Equal(HttpStatusCode.Forbidden, participant.Status);
            Assert.Equal("forbidden", participant.ProblemCode());
            var currency = await client.PostAsync("/v1/currencies", new { code = "XTS", ledger = 963, scale = 2 });
            Assert.Equal(HttpStatusCode.Forbidden, currency.Status);
            Assert.Equal("forbidden", currency.ProblemCode());
        }
    }

    [Fact]
    public async Task A_taken_participant_id_is_409()
    {
        var (id, _) = await scenario.CreateParticipantAsync("bank");
        using var client = scenario.Node.AsOperator();
        var again = await client.PostAsync("/v1/participants", new { id, name = "Again", role = "merchant", country = "FR", kyc_status = "verified" });
        Assert.Equal(HttpStatusCode.Conflict, again.Status);
        Assert.Equal("participant_exists", again.ProblemCode());
    }

    [Fact]
    public async Task Participants_are_visible_to_themselves_the_operator_and_auditors_only()
    {
        var (bankId, bankKey) = await scenario.CreateParticipantAsync("bank");
        var (otherId, _) = await scenario.CreateParticipantAsync("bank");
        var (_, auditorKey) = await scenario.CreateParticipantAsync("auditor");
        using var bank = scenario.Node.As(bankKey);
        using var auditor = scenario.Node.As(auditorKey);
        using var op = scenario.Node.AsOperator();

        Assert.Equal(HttpStatusCode.OK, (await bank.GetAsync($"/v1/participants/{bankId}")).Status);
        var other = await bank.GetAsync($"/v1/participants/{otherId}");
        Assert.Equal(HttpStatusCode.Forbidden, other.Status);
        Assert.Equal("forbidden", other.ProblemCode());
        Assert.Equal(HttpStatusCode.OK, (await auditor.GetAsync($"/v1/participants/{otherId}")).Status);
        Assert.Equal(HttpStatusCode.OK, (await op.GetAsync($"/v1/participants/{otherId}")).Status);
        var missing = await op.GetAsync($"/v1/participants/{Scenario.NewId()}");
        Assert.Equal(HttpStatusCode.NotFound, missing.Status);
        Assert.Equal("not_found", missing.ProblemCode());
    }

    [Fact]
    public async Task A_bank_opens_accounts_only_for_itself_and_reads_only_its_own()
    {
        var (bankId, bankKey) = await scenario.CreateParticipantAsync("bank");
        var (otherId, otherKey) = await scenario.CreateParticipantAsync("bank");
        using var bank = scenario.Node.As(bankKey);
        using var other = scenario.Node.As(otherKey);
        var own = await scenario.OpenAccountAsync(bank, bankId);
        var theirs = await scenario.OpenAccountAsync(other, otherId);

        var forOther = await bank.PostAsync("/v1/accounts", new { id = Scenario.NewId(), owner_id = otherId, currency = "USD", code = "settlement", flags = Array.Empty<string>() });
        Assert.Equal(HttpStatusCode.Forbidden, forOther.Status);
        Assert.Equal("forbidden", forOther.ProblemCode());

        Assert.Equal(HttpStatusCode.OK, (await bank.GetAsync($"/v1/accounts/{own}")).Status);
        var read = await bank.GetAsync($"/v1/accounts/{theirs}");
        Assert.Equal(HttpStatusCode.Forbidden, read.Status);
        Assert.Equal("forbidden", read.ProblemCode());
        var history = await bank.GetAsync($"/v1/accounts/{theirs}/transfers");
        Assert.Equal(HttpStatusCode.Forbidden, history.Status);
    }

    [Fact]
    public async Task A_bank_debiting_another_banks_account_is_403_and_commits_nothing_of_the_batch()
    {
        var funding = await scenario.OpenFundingAccountAsync();
        var (bankId, bankKey) = await scenario.CreateParticipantAsync("bank");
        var (otherId, otherKey) = await scenario.CreateParticipantAsync("bank");
        using var bank = scenario.Node.As(bankKey);
        using var other = scenario.Node.As(otherKey);
        var own = await scenario.OpenAccountAsync(bank, bankId);
        var theirs = await scenario.OpenAccountAsync(other, otherId);
        using (var op = scenario.Node.AsOperator())
        {
            await scenario.TransferAsync(op, funding, own, "5000");
            await scenario.TransferAsync(op, funding, theirs, "5000");
        }

        var ownBefore = await scenario.BalancesAsync(own);
        var theirsBefore = await scenario.BalancesAsync(theirs);
        var legitimate = Scenario.NewId();
        var theft = Scenario.NewId();
        var answer = await bank.PostAsync("/v1/transfers", new
        {
            transfers = new[]
            {
                new { id = legitimate, debit_account_id = own, credit_account_id = theirs, amount = "10", currency = "USD", code = 1 },
                new { id = theft, debit_account_id = theirs, credit_account_id = own, amount = "4000", currency = "USD", code = 1 },
            },
        });
        Assert.Equal(HttpStatusCode.Forbidden, answer.Status);
        Assert.Equal("forbidden", answer.ProblemCode());
        Assert.Contains("transfers[1]", answer.Json.GetProperty("detail").GetString()!, StringComparison.Ordinal);

        await scenario.AssertTransferAbsentAsync(legitimate);
        await scenario.AssertTransferAbsentAsync(theft);
        Assert.Equal(ownBefore, await scenario.BalancesAsync(own));
        Assert.Equal(theirsBefore, await scenario.BalancesAsync(theirs));
    }

    [Fact]
    public async Task Auditors_read_everything_but_may_not_send_transfers()
    {
        var (bankId, bankKey) = await scenario.CreateParticipantAsync("bank");
        var (_, auditorKey) = await scenario.CreateParticipantAsync("auditor");
        using var bank = scenario.Node.As(bankKey);
        using var auditor = scenario.Node.As(auditorKey);
        var a = await scenario.OpenAccountAsync(bank, bankId);
        var b = await scenario.OpenAccountAsync(bank, bankId);
        Assert.Equal(HttpStatusCode.OK, (await auditor.GetAsync($"/v1/accounts/{a}")).Status);

        var id = Scenario.NewId();
        var answer = await auditor.PostAsync("/v1/transfers", new
        {
            transfers = new[] { new { id, debit_account_id = a, credit_account_id = b, amount = "1", currency = "USD", code = 1 } },
        });
        Assert.Equal(HttpStatusCode.Forbidden, answer.Status);
        Assert.Equal("forbidden", answer.ProblemCode());
        await scenario.AssertTransferAbsentAsync(id);

        var account = await auditor.PostAsync("/v1/accounts", new { id = Scenario.NewId(), owner_id = bankId, currency = "USD", code = "settlement" });
        Assert.Equal(HttpStatusCode.Forbidden, account.Status);
    }

    [Fact]
    public async Task A_participant_with_pending_kyc_may_not_send_transfers()
    {
        var funding = await scenario.OpenFundingAccountAsync();
        var (bankId, bankKey) = await scenario.CreateParticipantAsync("bank", kycStatus: "pending");
        using var bank = scenario.Node.As(bankKey);
        var a = await scenario.OpenAccountAsync(bank, bankId);
        var b = await scenario.OpenAccountAsync(bank, bankId);
        using (var op = scenario.Node.AsOperator())
        {
            await scenario.TransferAsync(op, funding, a, "100");
        }

        var id = Scenario.NewId();
        var answer = await bank.PostAsync("/v1/transfers", new
        {
            transfers = new[] { new { id, debit_account_id = a, credit_account_id = b, amount = "1", currency = "USD", code = 1 } },
        });
        Assert.Equal(HttpStatusCode.Forbidden, answer.Status);
        Assert.Equal("kyc_pending", answer.ProblemCode());
        await scenario.AssertTransferAbsentAsync(id);
        Assert.Equal(("0", "0", "0", "100"), await scenario.BalancesAsync(a));
    }
}

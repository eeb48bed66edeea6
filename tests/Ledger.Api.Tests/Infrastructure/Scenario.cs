using System.Net;
using System.Text.Json;
using Ledger.Core.Codec;

namespace Ledger.Api.Tests.Infrastructure;

/// <summary>Set-up steps over the API: participants, accounts, funding. Each step asserts it worked.</summary>
public sealed class Scenario(TestNode node)
{
    public const string OperatorId = "00000000-0000-0000-0000-000000000001";

    public TestNode Node { get; } = node;

    public static string NewId() => Uuid.Format(Uuid.NewV7());

    public async Task<(string Id, string Key)> CreateParticipantAsync(string role, string kycStatus = "verified")
    {
        using var client = Node.AsOperator();
        var id = NewId();
        var response = await client.PostAsync("/v1/participants", new { id, name = $"Test {role} {id[^6..]}", role, country = "GB", kyc_status = kycStatus });
        Assert.True(response.Status == HttpStatusCode.Created, response.ToString());
        return (id, response.Json.GetProperty("api_key").GetString()!);
    }

    public async Task<string> OpenAccountAsync(ApiClient client, string ownerId, string currency = "USD", string code = "settlement", params string[] flags)
    {
        var id = NewId();
        var response = await client.PostAsync("/v1/accounts", new { id, owner_id = ownerId, currency, code, flags });
        Assert.True(response.Status == HttpStatusCode.Created, response.ToString());
        return id;
    }

    /// <summary>An operator account with no limits, to fund others from.</summary>
    public async Task<string> OpenFundingAccountAsync(string currency = "USD")
    {
        using var client = Node.AsOperator();
        return await OpenAccountAsync(client, OperatorId, currency);
    }

    public async Task<string> TransferAsync(ApiClient client, string debit, string credit, string amount, string currency = "USD", string expectedStatus = "created")
    {
        var id = NewId();
        var response = await client.PostAsync("/v1/transfers", new
        {
            transfers = new[] { new { id, debit_account_id = debit, credit_account_id = credit, amount, currency, code = 1 } },
        });
        Assert.True(response.Status == HttpStatusCode.OK, response.ToString());
        Assert.Equal(expectedStatus, response.Json.GetProperty("results")[0].GetProperty("status").GetString());
        return id;
    }

    public async Task<JsonElement> AccountAsync(string id)
    {
        using var client = Node.AsOperator();
        var response = await client.GetAsync($"/v1/accounts/{id}");
        Assert.True(response.Status == HttpStatusCode.OK, response.ToString());
        return response.Json;
    }

    /// <summary>The four balances of an account, as the API shows them.</summary>
    public async Task<(string DebitsPending, string DebitsPosted, string CreditsPending, string CreditsPosted)> BalancesAsync(string id)
    {
        var account = await AccountAsync(id);
        return (
            account.GetProperty("debits_pending").GetString()!,
            account.GetProperty("debits_posted").GetString()!,
            account.GetProperty("credits_pending").GetString()!,
            account.GetProperty("credits_posted").GetString()!);
    }

    public async Task AssertTransferAbsentAsync(string id)
    {
        using var client = Node.AsOperator();
        var response = await client.GetAsync($"/v1/transfers/{id}");
        Assert.True(response.Status == HttpStatusCode.NotFound, response.ToString());
    }
}

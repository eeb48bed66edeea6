using System.Net;
using Ledger.Api.Tests.Infrastructure;
using Ledger.Storage.Sqlite;

namespace Ledger.Api.Tests;

/// <summary>A failing store is a 503 problem, never a 404 or a 500, and readiness says so.</summary>
public sealed class FaultTests
{
    [Fact]
    public async Task Storage_faults_are_503_problems_and_the_node_recovers_when_the_store_does()
    {
        FaultyStore? store = null;
        await using var node = await TestNode.StartAsync(configure: options =>
            options.StoreFactory = o => store = new FaultyStore(new SqliteLedgerStore(o.DatabasePath)));
        var scenario = new Scenario(node);
        var funding = await scenario.OpenFundingAccountAsync();
        var (bankId, bankKey) = await scenario.CreateParticipantAsync("bank");
        using var bank = node.As(bankKey);
        using var op = node.AsOperator();
        using var anonymous = node.Anonymous();
        var account = await scenario.OpenAccountAsync(bank, bankId);

        store!.Failing = true;
        var read = await bank.GetAsync($"/v1/accounts/{account}");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, read.Status);
        Assert.Equal("storage_unavailable", read.ProblemCode());

        var id = Scenario.NewId();
        var write = await op.PostAsync("/v1/transfers", new
        {
            transfers = new[] { new { id, debit_account_id = funding, credit_account_id = account, amount = "5", currency = "USD", code = 1 } },
        });
        Assert.Equal(HttpStatusCode.ServiceUnavailable, write.Status);
        Assert.Equal("storage_unavailable", write.ProblemCode());

        var transfer = await op.GetAsync($"/v1/transfers/{id}");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, transfer.Status);

        var ready = await anonymous.GetAsync("/health/ready");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.Status);
        Assert.Equal("not_ready", ready.ProblemCode());
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/health/live")).Status);

        store.Failing = false;
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/health/ready")).Status);
        await scenario.AssertTransferAbsentAsync(id);
        await scenario.TransferAsync(op, funding, account, "5");
        Assert.Equal(("0", "0", "0", "5"), await scenario.BalancesAsync(account));
    }
}

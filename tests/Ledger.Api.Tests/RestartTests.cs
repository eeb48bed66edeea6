using System.Net;
using System.Text.Json;
using Ledger.Api.Tests.Infrastructure;

namespace Ledger.Api.Tests;

/// <summary>A node stopped and started again on the same data folder has everything it had.</summary>
public sealed class RestartTests
{
    [Fact]
    public async Task After_a_restart_every_account_transfer_and_key_is_still_there()
    {
        var dataDirectory = TestNode.NewDataDirectory();
        try
        {
            string operatorKey;
            string bankKey;
            var accounts = new List<string>();
            var transfers = new List<string>();
            var accountViews = new Dictionary<string, string>();
            var transferViews = new Dictionary<string, string>();
            string history;
            await using (var first = await TestNode.StartAsync(dataDirectory))
            {
                operatorKey = first.OperatorKey;
                var scenario = new Scenario(first);
                var funding = await scenario.OpenFundingAccountAsync();
                var (bankId, key) = await scenario.CreateParticipantAsync("bank");
                bankKey = key;
                using var bank = first.As(bankKey);
                using var op = first.AsOperator();
                var a = await scenario.OpenAccountAsync(bank, bankId, flags: "history");
                var b = await scenario.OpenAccountAsync(bank, bankId, "EUR");
                var c = await scenario.OpenAccountAsync(bank, bankId, "EUR");
                accounts.AddRange([funding, a, b, c]);
                transfers.Add(await scenario.TransferAsync(op, funding, a, "90000"));
                transfers.Add(await scenario.TransferAsync(op, accounts[0], a, "10000"));
                var fundingEur = await scenario.OpenFundingAccountAsync("EUR");
                accounts.Add(fundingEur);
                transfers.Add(await scenario.TransferAsync(op, fundingEur, b, "777", "EUR"));
                transfers.Add(await scenario.TransferAsync(bank, b, c, "77", "EUR"));

                var pending = Scenario.NewId();
                var answer = await bank.PostAsync("/v1/transfers", $$"""{"transfers":[{"id":"{{pending}}","debit_account_id":"{{a}}","credit_account_id":"{{funding}}","amount":"500","currency":"USD","code":9,"flags":["pending"]}]}""");
                Assert.Equal("created", answer.Json.GetProperty("results")[0].GetProperty("status").GetString());
                transfers.Add(pending);

                foreach (var id in accounts)
                {
                    accountViews[id] = (await op.GetAsync($"/v1/accounts/{id}")).Text;
                }

                foreach (var id in transfers)
                {
                    transferViews[id] = (await op.GetAsync($"/v1/transfers/{id}")).Text;
                }

                history = (await bank.GetAsync($"/v1/accounts/{a}/transfers")).Text;
            }

            await using var second = await TestNode.StartAsync(dataDirectory);
            Assert.Empty(second.PrintedKeys());
            Assert.Equal(operatorKey, second.OperatorKey);
            using var op2 = second.As(operatorKey);
            using var bank2 = second.As(bankKey);
            Assert.Equal(HttpStatusCode.OK, (await op2.GetAsync("/v1/participants/me")).Status);
            Assert.Equal(HttpStatusCode.OK, (await bank2.GetAsync("/v1/participants/me")).Status);
            foreach (var id in accounts)
            {
                var now = await op2.GetAsync($"/v1/accounts/{id}");
                Assert.Equal(HttpStatusCode.OK, now.Status);
                Assert.Equal(accountViews[id], now.Text);
            }

            foreach (var id in transfers)
            {
                var now = await op2.GetAsync($"/v1/transfers/{id}");
                Assert.Equal(HttpStatusCode.OK, now.Status);
                // The silo may close a settlement batch between the two looks: settlement_seq alone may change.
                Assert.Equal(WithoutSettlement(transferViews[id]), WithoutSettlement(now.Text));
            }

            Assert.Equal(history, (await bank2.GetAsync($"/v1/accounts/{accounts[1]}/transfers")).Text);

            // The log carries on after the restart: the next transfer's log index follows the last one.
            var last = JsonDocument.Parse(transferViews[transfers[^1]]).RootElement.GetProperty("log_index").GetUInt64();
            var scenario2 = new Scenario(second);
            var next = await scenario2.TransferAsync(op2, accounts[0], accounts[1], "1");
            var nextView = (await op2.GetAsync($"/v1/transfers/{next}")).Json;
            Assert.Equal(last + 1, nextView.GetProperty("log_index").GetUInt64());
        }
        finally
        {
            TestNode.DeleteQuietly(dataDirectory);
        }
    }

    private static string WithoutSettlement(string transferJson)
    {
        var node = System.Text.Json.Nodes.JsonNode.Parse(transferJson)!.AsObject();
        Assert.True(node.Remove("settlement_seq"), transferJson);
        return node.ToJsonString();
    }
}

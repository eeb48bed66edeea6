using System.Net;
using System.Text.Json;
using Ledger.Api.Tests.Infrastructure;

namespace Ledger.Api.Tests;

/// <summary>Money moving over HTTP: funding, transfers, history, two-phase transfers, idempotency.</summary>
public sealed class FlowTests(NodeFixture fixture) : IClassFixture<NodeFixture>
{
    private readonly Scenario scenario = fixture.Scenario;

    [Fact]
    public async Task A_bank_is_funded_moves_money_and_reads_balances_history_and_the_transfer()
    {
        var funding = await scenario.OpenFundingAccountAsync();
        var (bankId, bankKey) = await scenario.CreateParticipantAsync("bank");
        using var bank = scenario.Node.As(bankKey);
        using var op = scenario.Node.AsOperator();
        var a1 = await scenario.OpenAccountAsync(bank, bankId, flags: "debits_must_not_exceed_credits");
        var a2 = await scenario.OpenAccountAsync(bank, bankId);

        var account = await bank.GetAsync($"/v1/accounts/{a1}");
        Assert.Equal(HttpStatusCode.OK, account.Status);
        Assert.Equal(bankId, account.Json.GetProperty("owner_id").GetString());
        Assert.Equal("USD", account.Json.GetProperty("currency").GetString());
        Assert.Equal("settlement", account.Json.GetProperty("code").GetString());
        Assert.Equal(["debits_must_not_exceed_credits"], Strings(account.Json.GetProperty("flags")));
        Assert.EndsWith("Z", account.Json.GetProperty("timestamp").GetString()!, StringComparison.Ordinal);
        Assert.True(ulong.Parse(account.Json.GetProperty("timestamp_ns").GetString()!, System.Globalization.CultureInfo.InvariantCulture) > 0);

        var fund = await scenario.TransferAsync(op, funding, a1, "100000");
        var move = await scenario.TransferAsync(bank, a1, a2, "12345");
        await scenario.TransferAsync(bank, a1, a2, "100000", expectedStatus: "exceeds_credits");

        Assert.Equal(("0", "12345", "0", "100000"), await scenario.BalancesAsync(a1));
        Assert.Equal(("0", "0", "0", "12345"), await scenario.BalancesAsync(a2));

        var transfer = await bank.GetAsync($"/v1/transfers/{move}");
        Assert.Equal(HttpStatusCode.OK, transfer.Status);
        var t = transfer.Json;
        Assert.Equal(move, t.GetProperty("id").GetString());
        Assert.Equal(a1, t.GetProperty("debit_account_id").GetString());
        Assert.Equal(a2, t.GetProperty("credit_account_id").GetString());
        Assert.Equal("12345", t.GetProperty("amount").GetString());
        Assert.Equal("USD", t.GetProperty("currency").GetString());
        Assert.Equal(1, t.GetProperty("code").GetInt32());
        Assert.Equal(JsonValueKind.Number, t.GetProperty("log_index").ValueKind);
        Assert.Equal(JsonValueKind.Null, t.GetProperty("settlement_seq").ValueKind);
        Assert.Equal(JsonValueKind.Null, t.GetProperty("pending_id").ValueKind);
        Assert.Equal(JsonValueKind.Null, t.GetProperty("status").ValueKind);
        Assert.Equal("0", t.GetProperty("user_data_64").GetString());
        Assert.Equal(0, t.GetProperty("user_data_32").GetInt32());

        var funded = await op.GetAsync($"/v1/transfers/{fund}");
        Assert.True(funded.Json.GetProperty("log_index").GetUInt64() < t.GetProperty("log_index").GetUInt64());

        // Someone unrelated may not read it; the operator and the credit side's owner may.
        var (_, strangerKey) = await scenario.CreateParticipantAsync("bank");
        using var stranger = scenario.Node.As(strangerKey);
        Assert.Equal(HttpStatusCode.Forbidden, (await stranger.GetAsync($"/v1/transfers/{move}")).Status);
        Assert.Equal(HttpStatusCode.OK, (await op.GetAsync($"/v1/transfers/{move}")).Status);
    }

    [Fact]
    public async Task History_pages_oldest_first_with_a_next_cursor_until_the_last_page()
    {
        var funding = await scenario.OpenFundingAccountAsync();
        var (bankId, bankKey) = await scenario.CreateParticipantAsync("bank");
        using var bank = scenario.Node.As(bankKey);
        using var op = scenario.Node.AsOperator();
        var a1 = await scenario.OpenAccountAsync(bank, bankId, flags: "history");
        var a2 = await scenario.OpenAccountAsync(bank, bankId);
        var expected = new List<string> { await scenario.TransferAsync(op, funding, a1, "1000") };
        for (var i = 1; i <= 4; i++)
        {
            expected.Add(await scenario.TransferAsync(bank, a1, a2, $"{i}"));
        }

        var seen = new List<string>();
        var pages = 0;
        string? after = null;
        do
        {
            var page = await bank.GetAsync($"/v1/accounts/{a1}/transfers?limit=2" + (after is null ? string.Empty : $"&after={after}"));
            Assert.Equal(HttpStatusCode.OK, page.Status);
            var transfers = page.Json.GetProperty("transfers");
            seen.AddRange(transfers.EnumerateArray().Select(t => t.GetProperty("id").GetString()!));
            var next = page.Json.GetProperty("next");
            if (transfers.GetArrayLength() == 2)
            {
                Assert.Equal(transfers[1].GetProperty("timestamp_ns").GetString(), next.GetString());
                after = next.GetString();
            }
            else
            {
                Assert.Equal(JsonValueKind.Null, next.ValueKind);
                after = null;
            }

            pages++;
            Assert.True(pages <= 4, "Paging did not end.");
        }
        while (after is not null);

        Assert.Equal(expected, seen);
        Assert.Equal(3, pages);

        var whole = await bank.GetAsync($"/v1/accounts/{a1}/transfers");
        Assert.Equal(5, whole.Json.GetProperty("transfers").GetArrayLength());
        Assert.Equal(JsonValueKind.Null, whole.Json.GetProperty("next").ValueKind);

        // The history flag keeps the balances after each transfer.
        var balances = await bank.GetAsync($"/v1/accounts/{a1}/balances?limit=10");
        Assert.Equal(HttpStatusCode.OK, balances.Status);
        var rows = balances.Json.GetProperty("balances");
        Assert.Equal(5, rows.GetArrayLength());
        Assert.Equal("1000", rows[0].GetProperty("credits_posted").GetString());
        Assert.Equal("0", rows[0].GetProperty("debits_posted").GetString());
        Assert.Equal("10", rows[4].GetProperty("debits_posted").GetString());
        var noHistory = await bank.GetAsync($"/v1/accounts/{a2}/balances");
        Assert.Equal(HttpStatusCode.Conflict, noHistory.Status);
        Assert.Equal("history_not_enabled", noHistory.ProblemCode());
    }

    [Fact]
    public async Task Sending_the_same_transfer_again_answers_exists_with_the_original_timestamp()
    {
        var funding = await scenario.OpenFundingAccountAsync();
        var (bankId, bankKey) = await scenario.CreateParticipantAsync("bank");
        using var bank = scenario.Node.As(bankKey);
        var a = await scenario.OpenAccountAsync(bank, bankId);
        using var op = scenario.Node.AsOperator();
        var id = Scenario.NewId();
        var body = $$"""{"transfers":[{"id":"{{id}}","debit_account_id":"{{funding}}","credit_account_id":"{{a}}","amount":"700","currency":"USD","code":7,"reference":"{{Scenario.NewId()}}","user_data_64":"18446744073709551615","user_data_32":42}]}""";
        var first = await op.PostAsync("/v1/transfers", body);
        var second = await op.PostAsync("/v1/transfers", body);
        Assert.Equal("created", first.Json.GetProperty("results")[0].GetProperty("status").GetString());
        Assert.Equal("exists", second.Json.GetProperty("results")[0].GetProperty("status").GetString());
        Assert.Equal(
            first.Json.GetProperty("results")[0].GetProperty("timestamp_ns").GetString(),
            second.Json.GetProperty("results")[0].GetProperty("timestamp_ns").GetString());
        Assert.Equal(("0", "0", "0", "700"), await scenario.BalancesAsync(a));

        var stored = (await op.GetAsync($"/v1/transfers/{id}")).Json;
        Assert.Equal("18446744073709551615", stored.GetProperty("user_data_64").GetString());
        Assert.Equal(42u, stored.GetProperty("user_data_32").GetUInt32());
        Assert.Equal(7, stored.GetProperty("code").GetInt32());
        Assert.Equal(JsonValueKind.String, stored.GetProperty("reference").ValueKind);

        var changed = await op.PostAsync("/v1/transfers", body.Replace("\"700\"", "\"701\"", StringComparison.Ordinal));
        Assert.Equal("exists_with_different_amount", changed.Json.GetProperty("results")[0].GetProperty("status").GetString());
    }

    [Fact]
    public async Task Opening_the_same_account_again_is_200_and_a_different_one_409()
    {
        var (bankId, bankKey) = await scenario.CreateParticipantAsync("bank");
        using var bank = scenario.Node.As(bankKey);
        var id = Scenario.NewId();
        var body = new { id, owner_id = bankId, currency = "EUR", code = "fx_liquidity", flags = new[] { "history" } };
        var created = await bank.PostAsync("/v1/accounts", body);
        Assert.Equal(HttpStatusCode.Created, created.Status);
        var again = await bank.PostAsync("/v1/accounts", body);
        Assert.Equal(HttpStatusCode.OK, again.Status);
        Assert.Equal(created.Json.GetProperty("timestamp_ns").GetString(), again.Json.GetProperty("timestamp_ns").GetString());
        Assert.Equal("fx_liquidity", again.Json.GetProperty("code").GetString());

        var otherCode = await bank.PostAsync("/v1/accounts", body with { code = "escrow" });
        Assert.Equal(HttpStatusCode.Conflict, otherCode.Status);
        Assert.Equal("exists_with_different_code", otherCode.ProblemCode());
        var otherCurrency = await bank.PostAsync("/v1/accounts", body with { currency = "GBP" });
        Assert.Equal(HttpStatusCode.Conflict, otherCurrency.Status);
        Assert.Equal("exists_with_different_ledger", otherCurrency.ProblemCode());

        using var op = scenario.Node.AsOperator();
        var noOwner = await op.PostAsync("/v1/accounts", new { id = Scenario.NewId(), owner_id = Scenario.NewId(), currency = "USD", code = "settlement" });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, noOwner.Status);
        Assert.Equal("owner_not_found", noOwner.ProblemCode());
    }

    [Fact]
    public async Task A_pending_transfer_is_posted_for_its_whole_amount_when_the_amount_is_omitted()
    {
        var (a, b, bank) = await FundedPairAsync("10000");
        using (bank)
        {
            var pending = await PendingAsync(bank, a, b, "2500", timeoutSeconds: 3600);
            Assert.Equal(("2500", "0", "0", "10000"), await scenario.BalancesAsync(a));
            Assert.Equal(("0", "0", "2500", "0"), await scenario.BalancesAsync(b));
            var held = (await bank.GetAsync($"/v1/transfers/{pending}")).Json;
            Assert.Equal("pending", held.GetProperty("status").GetString());
            Assert.Equal(["pending"], Strings(held.GetProperty("flags")));
            Assert.EndsWith("Z", held.GetProperty("expires_at").GetString()!, StringComparison.Ordinal);
            Assert.Equal(3600u, held.GetProperty("timeout_seconds").GetUInt32());

            var post = Scenario.NewId();
            var answer = await bank.PostAsync("/v1/transfers", $$"""{"transfers":[{"id":"{{post}}","pending_id":"{{pending}}","flags":["post_pending"]}]}""");
            Assert.Equal(HttpStatusCode.OK, answer.Status);
            Assert.Equal("created", answer.Json.GetProperty("results")[0].GetProperty("status").GetString());

            Assert.Equal(("0", "2500", "0", "10000"), await scenario.BalancesAsync(a));
            Assert.Equal(("0", "0", "0", "2500"), await scenario.BalancesAsync(b));
            Assert.Equal("posted", (await bank.GetAsync($"/v1/transfers/{pending}")).Json.GetProperty("status").GetString());
            var posted = (await bank.GetAsync($"/v1/transfers/{post}")).Json;
            Assert.Equal(pending, posted.GetProperty("pending_id").GetString());
            Assert.Equal("2500", posted.GetProperty("amount").GetString());
            Assert.Equal(a, posted.GetProperty("debit_account_id").GetString());

            var again = await bank.PostAsync("/v1/transfers", $$"""{"transfers":[{"id":"{{Scenario.NewId()}}","pending_id":"{{pending}}","flags":["void_pending"]}]}""");
            Assert.Equal("pending_transfer_already_posted", again.Json.GetProperty("results")[0].GetProperty("status").GetString());
        }
    }

    [Fact]
    public async Task A_pending_transfer_is_partly_posted_or_voided()
    {
        var (a, b, bank) = await FundedPairAsync("10000");
        using (bank)
        {
            var partly = await PendingAsync(bank, a, b, "1000", timeoutSeconds: 0);
            var post = await bank.PostAsync("/v1/transfers", $$"""{"transfers":[{"id":"{{Scenario.NewId()}}","pending_id":"{{partly}}","amount":"400","flags":["post_pending"]}]}""");
            Assert.Equal("created", post.Json.GetProperty("results")[0].GetProperty("status").GetString());
            Assert.Equal(("0", "400", "0", "10000"), await scenario.BalancesAsync(a));

            var voided = await PendingAsync(bank, a, b, "3000", timeoutSeconds: 0);
            Assert.Equal(("3000", "400", "0", "10000"), await scenario.BalancesAsync(a));
            var voiding = await bank.PostAsync("/v1/transfers", $$"""{"transfers":[{"id":"{{Scenario.NewId()}}","pending_id":"{{voided}}","flags":["void_pending"],"currency":"USD","code":1}]}""");
            Assert.Equal("created", voiding.Json.GetProperty("results")[0].GetProperty("status").GetString());
            Assert.Equal(("0", "400", "0", "10000"), await scenario.BalancesAsync(a));
            Assert.Equal(("0", "0", "0", "400"), await scenario.BalancesAsync(b));
            var stored = (await bank.GetAsync($"/v1/transfers/{voided}")).Json;
            Assert.Equal("voided", stored.GetProperty("status").GetString());
            Assert.Equal(JsonValueKind.Null, stored.GetProperty("expires_at").ValueKind);
        }
    }

    [Fact]
    public async Task A_pending_transfer_expires_after_its_timeout_and_its_hold_is_released()
    {
        var (a, b, bank) = await FundedPairAsync("500");
        using (bank)
        {
            var pending = await PendingAsync(bank, a, b, "200", timeoutSeconds: 1);
            Assert.Equal(("200", "0", "0", "500"), await scenario.BalancesAsync(a));

            // The silo's pulse wakes at the expiry; allow it a few seconds on a loaded machine.
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
            while ((await scenario.BalancesAsync(a)).DebitsPending != "0")
            {
                Assert.True(DateTime.UtcNow < deadline, "The pending transfer did not expire within 15 s.");
                await Task.Delay(100);
            }

            Assert.Equal(("0", "0", "0", "500"), await scenario.BalancesAsync(a));
            Assert.Equal(("0", "0", "0", "0"), await scenario.BalancesAsync(b));
            Assert.Equal("expired", (await bank.GetAsync($"/v1/transfers/{pending}")).Json.GetProperty("status").GetString());
            var late = await bank.PostAsync("/v1/transfers", $$"""{"transfers":[{"id":"{{Scenario.NewId()}}","pending_id":"{{pending}}","flags":["post_pending"]}]}""");
            Assert.Equal("pending_transfer_expired", late.Json.GetProperty("results")[0].GetProperty("status").GetString());
        }
    }

    [Fact]
    public async Task Linked_events_commit_together_or_not_at_all()
    {
        var (a, b, bank) = await FundedPairAsync("100");
        using (bank)
        {
            var first = Scenario.NewId();
            var second = Scenario.NewId();
            var answer = await bank.PostAsync("/v1/transfers", $$"""
                {"transfers":[
                  {"id":"{{first}}","debit_account_id":"{{a}}","credit_account_id":"{{b}}","amount":"60","currency":"USD","code":1,"flags":["linked"]},
                  {"id":"{{second}}","debit_account_id":"{{a}}","credit_account_id":"{{b}}","amount":"60","currency":"USD","code":1}
                ]}
                """);
            Assert.Equal(HttpStatusCode.OK, answer.Status);
            var results = answer.Json.GetProperty("results");
            Assert.Equal("linked_event_failed", results[0].GetProperty("status").GetString());
            Assert.Equal("exceeds_credits", results[1].GetProperty("status").GetString());
            await scenario.AssertTransferAbsentAsync(first);
            Assert.Equal(("0", "0", "0", "100"), await scenario.BalancesAsync(a));
        }
    }

    [Fact]
    public async Task The_operator_adds_a_currency_that_accounts_and_transfers_can_use()
    {
        using var op = scenario.Node.AsOperator();
        var code = "T" + new string([.. Scenario.NewId().Where(char.IsLetter).Select(char.ToUpperInvariant).Take(6)]).PadRight(6, 'X');
        var ledger = (uint)Random.Shared.Next(2_000_000, int.MaxValue);
        var created = await op.PostAsync("/v1/currencies", new { code, ledger, scale = 4 });
        Assert.True(created.Status == HttpStatusCode.Created, created.ToString());
        Assert.Equal(ledger, created.Json.GetProperty("ledger").GetUInt32());

        var taken = await op.PostAsync("/v1/currencies", new { code, ledger = ledger + 1, scale = 4 });
        Assert.Equal(HttpStatusCode.Conflict, taken.Status);
        Assert.Equal("currency_exists", taken.ProblemCode());
        var ledgerTaken = await op.PostAsync("/v1/currencies", new { code = "USDX", ledger = 840, scale = 2 });
        Assert.Equal(HttpStatusCode.Conflict, ledgerTaken.Status);

        var (bankId, bankKey) = await scenario.CreateParticipantAsync("bank");
        using var bank = scenario.Node.As(bankKey);
        var list = await bank.GetAsync("/v1/currencies");
        var codes = list.Json.GetProperty("currencies").EnumerateArray().Select(c => c.GetProperty("code").GetString()).ToList();
        Assert.Contains(code, codes);
        foreach (var standard in new[] { "USD", "EUR", "GBP", "JPY", "CNY", "HKD", "SGD", "AED", "INR", "USDC" })
        {
            Assert.Contains(standard, codes);
        }

        var funding = await scenario.OpenFundingAccountAsync(code);
        var a = await scenario.OpenAccountAsync(bank, bankId, code);
        await scenario.TransferAsync(op, funding, a, "1", code);
        Assert.Equal(code, (await scenario.AccountAsync(a)).GetProperty("currency").GetString());
    }

    private async Task<(string A, string B, ApiClient Bank)> FundedPairAsync(string amount)
    {
        var funding = await scenario.OpenFundingAccountAsync();
        var (bankId, bankKey) = await scenario.CreateParticipantAsync("bank");
        var bank = scenario.Node.As(bankKey);
        var a = await scenario.OpenAccountAsync(bank, bankId, flags: "debits_must_not_exceed_credits");
        var b = await scenario.OpenAccountAsync(bank, bankId);
        using var op = scenario.Node.AsOperator();
        await scenario.TransferAsync(op, funding, a, amount);
        return (a, b, bank);
    }

    private static async Task<string> PendingAsync(ApiClient client, string debit, string credit, string amount, uint timeoutSeconds)
    {
        var id = Scenario.NewId();
        var answer = await client.PostAsync("/v1/transfers", $$"""{"transfers":[{"id":"{{id}}","debit_account_id":"{{debit}}","credit_account_id":"{{credit}}","amount":"{{amount}}","currency":"USD","code":1,"flags":["pending"],"timeout_seconds":{{timeoutSeconds}}}]}""");
        Assert.True(answer.Status == HttpStatusCode.OK, answer.ToString());
        Assert.Equal("created", answer.Json.GetProperty("results")[0].GetProperty("status").GetString());
        return id;
    }

    private static List<string> Strings(JsonElement array) => [.. array.EnumerateArray().Select(e => e.GetString()!)];
}

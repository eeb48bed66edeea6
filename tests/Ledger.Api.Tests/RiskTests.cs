using System.Net;
using System.Text.Json;
using Ledger.Api.Tests.Infrastructure;

namespace Ledger.Api.Tests;

/// <summary>Risk controls on payments: KYC, limits, velocity holds and the operator's review, each decision recorded on the payment.</summary>
public sealed class RiskTests(FxDeskFixture fixture) : IClassFixture<FxDeskFixture>
{
    private readonly FxDesk desk = fixture.Desk;
    private Scenario Scenario => desk.Scenario;

    [Fact]
    public async Task A_participant_whose_KYC_is_pending_cannot_send_until_the_operator_verifies_it()
    {
        var customer = await desk.CustomerAsync(kyc: "pending");
        using var bank = Scenario.Node.As(customer.Key);
        using var op = Scenario.Node.AsOperator();
        var payment = await FxDesk.QuoteAndPayAsync(bank, customer, "USD", "EUR", "1000");
        Assert.Equal("rejected", payment.GetProperty("status").GetString());
        Assert.Equal("kyc_pending", payment.GetProperty("reason").GetString());
        var kyc = payment.GetProperty("decisions")[0];
        Assert.Equal(("kyc", "reject", "kyc_pending"), (kyc.GetProperty("rule").GetString(), kyc.GetProperty("outcome").GetString(), kyc.GetProperty("reason").GetString()));
        Assert.Equal(("0", "0", "0", "10000000"), await Scenario.BalancesAsync(customer.Debtor));
        foreach (var leg in payment.GetProperty("legs").EnumerateArray())
        {
            await Scenario.AssertTransferAbsentAsync(leg.GetString()!);
        }

        // Plain transfers are refused too.
        var transfer = await bank.PostAsync("/v1/transfers", new { transfers = new[] { new { id = Scenario.NewId(), debit_account_id = customer.Debtor, credit_account_id = desk.Funding["USD"], amount = "1", currency = "USD", code = 1 } } });
        Assert.Equal("kyc_pending", transfer.ProblemCode());

        var verified = await op.SendAsync(HttpMethod.Patch, $"/v1/participants/{customer.Id}", """{"kyc_status":"verified"}""");
        Assert.True(verified.Status == HttpStatusCode.OK, verified.ToString());
        Assert.Equal("verified", verified.Json.GetProperty("kyc_status").GetString());
        var second = await FxDesk.QuoteAndPayAsync(bank, customer, "USD", "EUR", "1000");
        Assert.Equal("accepted", second.GetProperty("status").GetString());
        var transferred = await bank.PostAsync("/v1/transfers", new { transfers = new[] { new { id = Scenario.NewId(), debit_account_id = customer.Debtor, credit_account_id = desk.Funding["USD"], amount = "1", currency = "USD", code = 1 } } });
        Assert.Equal(HttpStatusCode.OK, transferred.Status);

        // Only the operator sets KYC, and only to a known value.
        Assert.Equal(HttpStatusCode.Forbidden, (await bank.SendAsync(HttpMethod.Patch, $"/v1/participants/{customer.Id}", """{"kyc_status":"verified"}""")).Status);
        Assert.Equal("invalid_kyc_status", (await op.SendAsync(HttpMethod.Patch, $"/v1/participants/{customer.Id}", """{"kyc_status":"approved"}""")).ProblemCode());
        Assert.Equal(HttpStatusCode.NotFound, (await op.SendAsync(HttpMethod.Patch, $"/v1/participants/{Scenario.NewId()}", """{"kyc_status":"verified"}""")).Status);
    }

    [Fact]
    public async Task The_single_payment_limit_and_the_daily_outflow_limit_reject_with_their_reasons()
    {
        var customer = await desk.CustomerAsync();
        using var bank = Scenario.Node.As(customer.Key);
        await SetProfileAsync(customer.Id, new { limits = new[] { new { currency = "USD", single_payment_max = "50000", daily_outflow_max = "80000" } } });

        var tooBig = await FxDesk.QuoteAndPayAsync(bank, customer, "USD", "EUR", "50001");
        Assert.Equal(("rejected", "single_payment_limit_exceeded"), (tooBig.GetProperty("status").GetString(), tooBig.GetProperty("reason").GetString()));

        // 50000 + fee 50 is within both limits; the next 30000 (+50) would take the day to 80100 > 80000.
        var first = await FxDesk.QuoteAndPayAsync(bank, customer, "USD", "EUR", "50000");
        Assert.Equal("accepted", first.GetProperty("status").GetString());
        var second = await FxDesk.QuoteAndPayAsync(bank, customer, "USD", "EUR", "30000");
        Assert.Equal(("rejected", "daily_outflow_limit_exceeded"), (second.GetProperty("status").GetString(), second.GetProperty("reason").GetString()));
        var daily = second.GetProperty("decisions").EnumerateArray().Single(d => d.GetProperty("rule").GetString() == "daily_outflow_limit");
        Assert.Contains("80100", daily.GetProperty("detail").GetString()!, StringComparison.Ordinal);

        // Exactly up to the limit passes: 50050 + 29900 + 50 = 80000.
        var exact = await FxDesk.QuoteAndPayAsync(bank, customer, "USD", "EUR", "29900");
        Assert.Equal("accepted", exact.GetProperty("status").GetString());
        Assert.Equal(("0", "80000", "0", "10000000"), await Scenario.BalancesAsync(customer.Debtor));

        // Limits in another currency do not apply to USD; the profile reads back as set.
        using var op = Scenario.Node.AsOperator();
        var profile = await op.GetAsync($"/v1/participants/{customer.Id}/risk");
        Assert.Equal("80000", profile.Json.GetProperty("limits")[0].GetProperty("daily_outflow_max").GetString());
    }

    [Fact]
    public async Task A_velocity_hold_reserves_the_funds_until_the_operator_releases_or_rejects()
    {
        var customer = await desk.CustomerAsync();
        using var bank = Scenario.Node.As(customer.Key);
        using var op = Scenario.Node.AsOperator();
        await SetProfileAsync(customer.Id, new { velocity = new { window_seconds = 3600, count_max = 1 } });

        var first = await FxDesk.QuoteAndPayAsync(bank, customer, "USD", "EUR", "10000");
        Assert.Equal("accepted", first.GetProperty("status").GetString());

        // The second within the hour is held: pending legs reserve sell + fee on the debtor.
        var held = await FxDesk.QuoteAndPayAsync(bank, customer, "USD", "EUR", "20000");
        Assert.Equal(("pending", "PDNG", "velocity_count_exceeded"), (held.GetProperty("status").GetString(), held.GetProperty("iso_status").GetString(), held.GetProperty("reason").GetString()));
        Assert.Equal(("20050", "10050", "0", "10000000"), await Scenario.BalancesAsync(customer.Debtor));
        Assert.Equal(("0", "0", "18395", "9197"), await Scenario.BalancesAsync(customer.Creditor));
        var heldId = held.GetProperty("id").GetString()!;

        var queue = await op.GetAsync("/v1/payments?status=pending&limit=1000");
        Assert.Contains(queue.Json.GetProperty("payments").EnumerateArray(), p => p.GetProperty("id").GetString() == heldId);

        // Only the operator reviews.
        Assert.Equal(HttpStatusCode.Forbidden, (await bank.PostAsync($"/v1/payments/{heldId}/release", "{}")).Status);

        var released = await op.PostAsync($"/v1/payments/{heldId}/release", new { reason = "Customer called; expected volume." });
        Assert.True(released.Status == HttpStatusCode.OK, released.ToString());
        Assert.Equal("accepted", released.Json.GetProperty("status").GetString());
        Assert.Equal(3, released.Json.GetProperty("resolution_legs").GetArrayLength());
        var decision = released.Json.GetProperty("decisions").EnumerateArray().Last();
        Assert.Equal(("operator", "accept", "released_by_operator", "Customer called; expected volume."), (decision.GetProperty("rule").GetString(), decision.GetProperty("outcome").GetString(), decision.GetProperty("reason").GetString(), decision.GetProperty("detail").GetString()));
        Assert.Equal(("0", "30100", "0", "10000000"), await Scenario.BalancesAsync(customer.Debtor));
        Assert.Equal(("0", "0", "0", "27592"), await Scenario.BalancesAsync(customer.Creditor));
        Assert.DoesNotContain((await op.GetAsync("/v1/payments?status=pending&limit=1000")).Json.GetProperty("payments").EnumerateArray(), p => p.GetProperty("id").GetString() == heldId);

        // Releasing again answers the same; rejecting it now is a conflict.
        Assert.Equal(HttpStatusCode.OK, (await op.PostAsync($"/v1/payments/{heldId}/release", "{}")).Status);
        Assert.Equal("payment_not_held", (await op.PostAsync($"/v1/payments/{heldId}/reject", "{}")).ProblemCode());
        Assert.Equal("payment_not_held", (await op.PostAsync($"/v1/payments/{first.GetProperty("id").GetString()}/release", "{}")).ProblemCode());

        // The next one is held and rejected: the funds come back, the payment says why.
        var third = await FxDesk.QuoteAndPayAsync(bank, customer, "USD", "EUR", "5000");
        Assert.Equal("pending", third.GetProperty("status").GetString());
        var thirdId = third.GetProperty("id").GetString()!;
        var rejected = await op.PostAsync($"/v1/payments/{thirdId}/reject", new { reason = "Beneficiary not recognised." });
        Assert.True(rejected.Status == HttpStatusCode.OK, rejected.ToString());
        Assert.Equal(("rejected", "rejected_by_operator"), (rejected.Json.GetProperty("status").GetString(), rejected.Json.GetProperty("reason").GetString()));
        Assert.Equal(("0", "30100", "0", "10000000"), await Scenario.BalancesAsync(customer.Debtor));
        var read = (await bank.GetAsync($"/v1/payments/{thirdId}")).Json;
        Assert.Equal("rejected", read.GetProperty("status").GetString());
        Assert.Equal(["kyc", "velocity_count", "operator"], read.GetProperty("decisions").EnumerateArray().Select(d => d.GetProperty("rule").GetString()!).ToList());
        Assert.Equal("payment_not_held", (await op.PostAsync($"/v1/payments/{thirdId}/release", "{}")).ProblemCode());
    }

    [Fact]
    public async Task A_velocity_value_rule_holds_by_amount_and_the_default_profile_applies_to_everyone_without_one()
    {
        using var op = Scenario.Node.AsOperator();
        var customer = await desk.CustomerAsync();
        using var bank = Scenario.Node.As(customer.Key);
        await SetProfileAsync(customer.Id, new { velocity = new { window_seconds = 60, value_max = new[] { new { currency = "USD", amount = "15000" } } } });
        Assert.Equal("accepted", (await FxDesk.QuoteAndPayAsync(bank, customer, "USD", "EUR", "10000")).GetProperty("status").GetString());
        var held = await FxDesk.QuoteAndPayAsync(bank, customer, "USD", "EUR", "5001");
        Assert.Equal(("pending", "velocity_value_exceeded"), (held.GetProperty("status").GetString(), held.GetProperty("reason").GetString()));

        // Removing the participant's own profile makes the default apply (here: none set → no rule).
        Assert.Equal(HttpStatusCode.NoContent, (await op.SendAsync(HttpMethod.Delete, $"/v1/participants/{customer.Id}/risk", null)).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await op.GetAsync($"/v1/participants/{customer.Id}/risk")).Status);
        Assert.Equal("accepted", (await FxDesk.QuoteAndPayAsync(bank, customer, "USD", "EUR", "5001")).GetProperty("status").GetString());

        Assert.Equal("invalid_window", (await op.SendAsync(HttpMethod.Put, $"/v1/participants/{customer.Id}/risk", """{"velocity":{"window_seconds":0,"count_max":1}}""")).ProblemCode());
        Assert.Equal("invalid_velocity", (await op.SendAsync(HttpMethod.Put, $"/v1/participants/{customer.Id}/risk", """{"velocity":{"window_seconds":60}}""")).ProblemCode());
        Assert.Equal("unknown_currency", (await op.SendAsync(HttpMethod.Put, $"/v1/participants/{customer.Id}/risk", """{"limits":[{"currency":"XYZ"}]}""")).ProblemCode());
        Assert.Equal("duplicate_currency", (await op.SendAsync(HttpMethod.Put, $"/v1/participants/{customer.Id}/risk", """{"limits":[{"currency":"USD"},{"currency":"USD"}]}""")).ProblemCode());
        Assert.Equal("invalid_amount", (await op.SendAsync(HttpMethod.Put, $"/v1/participants/{customer.Id}/risk", """{"limits":[{"currency":"USD","single_payment_max":"1.5"}]}""")).ProblemCode());
        Assert.Equal(HttpStatusCode.Forbidden, (await bank.SendAsync(HttpMethod.Put, $"/v1/participants/{customer.Id}/risk", "{}")).Status);
    }

    [Fact]
    public async Task The_default_profile_holds_payments_of_participants_without_their_own()
    {
        // Its own node: a default profile applies to every participant of the node.
        await using var node = await TestNode.StartAsync();
        var ownDesk = await FxDesk.OpenAsync(new Scenario(node));
        using var op = node.AsOperator();
        var set = await op.SendAsync(HttpMethod.Put, "/v1/risk/default", """{"limits":[{"currency":"USD","single_payment_max":"1000"}]}""");
        Assert.True(set.Status == HttpStatusCode.OK, set.ToString());
        var customer = await ownDesk.CustomerAsync();
        using var bank = node.As(customer.Key);
        var refused = await FxDesk.QuoteAndPayAsync(bank, customer, "USD", "EUR", "1001");
        Assert.Equal("single_payment_limit_exceeded", refused.GetProperty("reason").GetString());
        Assert.Equal(HttpStatusCode.OK, (await bank.GetAsync("/v1/risk/default")).Status);
    }

    [Fact]
    public async Task A_hold_that_lapses_before_review_rejects_the_payment_and_returns_the_funds()
    {
        await using var node = await TestNode.StartAsync(configure: options => options.PaymentHoldTimeout = TimeSpan.FromSeconds(1));
        var ownDesk = await FxDesk.OpenAsync(new Scenario(node));
        using var op = node.AsOperator();
        var customer = await ownDesk.CustomerAsync();
        using var bank = node.As(customer.Key);
        var set = await op.SendAsync(HttpMethod.Put, $"/v1/participants/{customer.Id}/risk", """{"velocity":{"window_seconds":60,"count_max":0}}""");
        Assert.True(set.Status == HttpStatusCode.OK, set.ToString());
        var held = await FxDesk.QuoteAndPayAsync(bank, customer, "USD", "EUR", "1000");
        Assert.Equal("pending", held.GetProperty("status").GetString());
        var id = held.GetProperty("id").GetString()!;

        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        JsonElement read;
        do
        {
            await Task.Delay(200);
            read = (await bank.GetAsync($"/v1/payments/{id}")).Json;
        }
        while (read.GetProperty("status").GetString() == "pending" && DateTime.UtcNow < deadline);
        Assert.Equal(("rejected", "hold_expired"), (read.GetProperty("status").GetString(), read.GetProperty("reason").GetString()));
        Assert.Equal("hold_expired", (await op.PostAsync($"/v1/payments/{id}/release", "{}")).ProblemCode());

        // The silo's expiry pulse voids the holds: the funds are back.
        var scenario = new Scenario(node);
        while ((await scenario.BalancesAsync(customer.Debtor)).DebitsPending != "0" && DateTime.UtcNow < deadline)
        {
            await Task.Delay(200);
        }

        Assert.Equal(("0", "0", "0", "10000000"), await scenario.BalancesAsync(customer.Debtor));
    }

    private async Task SetProfileAsync(string participantId, object profile)
    {
        using var op = Scenario.Node.AsOperator();
        var response = await op.SendAsync(HttpMethod.Put, $"/v1/participants/{participantId}/risk", JsonSerializer.Serialize(profile));
        Assert.True(response.Status == HttpStatusCode.OK, response.ToString());
    }
}

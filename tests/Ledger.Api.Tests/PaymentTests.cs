using System.Net;
using System.Text.Json;
using Ledger.Api.Tests.Infrastructure;

namespace Ledger.Api.Tests;

/// <summary>The FX desk on one node, set up once for the class.</summary>
public sealed class FxDeskFixture : IAsyncLifetime
{
    private TestNode? node;

    public TestNode Node => node ?? throw new InvalidOperationException("The node has not started.");

    public FxDesk Desk { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        node = await TestNode.StartAsync();
        Desk = await FxDesk.OpenAsync(new Scenario(node));
    }

    public async Task DisposeAsync()
    {
        if (node is not null)
        {
            await node.DisposeAsync();
        }
    }
}

/// <summary>Quotes and payments over HTTP: exact conversions, linked legs, idempotency, refusals and refunds.</summary>
public sealed class PaymentTests(FxDeskFixture fixture) : IClassFixture<FxDeskFixture>
{
    private readonly FxDesk desk = fixture.Desk;
    private Scenario Scenario => desk.Scenario;

    [Fact]
    public async Task A_USD_payment_credits_EUR_at_the_quoted_rate_in_one_linked_chain()
    {
        var customer = await desk.CustomerAsync();
        using var bank = Scenario.Node.As(customer.Key);
        var liquidityUsd = await Scenario.BalancesAsync(desk.Liquidity["USD"]);
        var liquidityEur = await Scenario.BalancesAsync(desk.Liquidity["EUR"]);
        var feeUsd = await Scenario.BalancesAsync(desk.FeeIncome["USD"]);

        // EUR/USD is 1.0845 with 25 bps: selling USD divides, so the all-in rate is
        // 10^4 × 9975 / (10845 × 10^4) = 665/723, and 1,000.00 USD buys floor(100000 × 665 / 723) = 91977 cents.
        var quote = await FxDesk.QuoteAsync(bank, "USD", "EUR", "100000");
        Assert.Equal("91977", quote.GetProperty("buy_amount").GetString());
        Assert.Equal("665", quote.GetProperty("rate_fraction").GetProperty("numerator").GetString());
        Assert.Equal("723", quote.GetProperty("rate_fraction").GetProperty("denominator").GetString());
        Assert.StartsWith("0.919778699861687413", quote.GetProperty("rate").GetString(), StringComparison.Ordinal);
        Assert.Equal("1.0845", quote.GetProperty("mid_rate").GetString());
        Assert.True(quote.GetProperty("mid_rate_inverted").GetBoolean());
        Assert.Equal("100", quote.GetProperty("fee_amount").GetString()); // ceil(100000 × 10 / 10000) = 100 > minimum 50
        Assert.Equal("USD", quote.GetProperty("fee_currency").GetString());
        var expiresAt = DateTimeOffset.Parse(quote.GetProperty("expires_at").GetString()!, System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(expiresAt - DateTimeOffset.UtcNow, TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(61));

        var id = Scenario.NewId();
        var response = await FxDesk.PayAsync(bank, id, quote.GetProperty("id").GetString()!, customer.Debtor, customer.Creditor);
        Assert.True(response.Status == HttpStatusCode.Created, response.ToString());
        var payment = response.Json;
        Assert.Equal("accepted", payment.GetProperty("status").GetString());
        Assert.Equal("ACSP", payment.GetProperty("iso_status").GetString());
        Assert.Equal("91977", payment.GetProperty("buy_amount").GetString());
        var legs = Strings(payment.GetProperty("legs"));
        Assert.Equal(3, legs.Count);
        Assert.Equal("kyc", payment.GetProperty("decisions")[0].GetProperty("rule").GetString());

        // Balances: the debtor paid sell + fee; the creditor got the buy amount; the desk's accounts moved by exactly the quote.
        Assert.Equal(("0", "100100", "0", "10000000"), await Scenario.BalancesAsync(customer.Debtor));
        Assert.Equal(("0", "0", "0", "91977"), await Scenario.BalancesAsync(customer.Creditor));
        Assert.Equal(Plus(liquidityUsd, credits: 100000), await Scenario.BalancesAsync(desk.Liquidity["USD"]));
        Assert.Equal(Plus(liquidityEur, debits: 91977), await Scenario.BalancesAsync(desk.Liquidity["EUR"]));
        Assert.Equal(Plus(feeUsd, credits: 100), await Scenario.BalancesAsync(desk.FeeIncome["USD"]));

        // The legs are ledger transfers with the payment's id as their reference, in one commit.
        using var op = Scenario.Node.AsOperator();
        var expected = new[] { (customer.Debtor, desk.Liquidity["USD"], "100000", 1001), (desk.Liquidity["EUR"], customer.Creditor, "91977", 1002), (customer.Debtor, desk.FeeIncome["USD"], "100", 1003) };
        var timestamps = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            var leg = (await op.GetAsync($"/v1/transfers/{legs[i]}")).Json;
            Assert.Equal(expected[i].Item1, leg.GetProperty("debit_account_id").GetString());
            Assert.Equal(expected[i].Item2, leg.GetProperty("credit_account_id").GetString());
            Assert.Equal(expected[i].Item3, leg.GetProperty("amount").GetString());
            Assert.Equal(expected[i].Item4, leg.GetProperty("code").GetInt32());
            Assert.Equal(id, leg.GetProperty("reference").GetString());
            Assert.Equal(i < 2, Strings(leg.GetProperty("flags")).Contains("linked"));
            timestamps.Add(leg.GetProperty("timestamp_ns").GetString()!);
        }

        var read = await bank.GetAsync($"/v1/payments/{id}");
        Assert.Equal(HttpStatusCode.OK, read.Status);
        Assert.Equal("accepted", read.Json.GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.String, read.Json.GetProperty("log_index").ValueKind);

        // The node counts it.
        using var anonymous = Scenario.Node.Anonymous();
        var metrics = (await anonymous.GetAsync("/metrics")).Text;
        var accepted = metrics.Split('\n').Single(line => line.StartsWith("ledger_payments_total{verdict=\"accept\"} ", StringComparison.Ordinal));
        Assert.True(long.Parse(accepted.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture) >= 1, accepted);
        Assert.Contains("ledger_fx_quotes_total ", metrics, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_same_payment_again_answers_the_stored_one_and_moves_nothing_more()
    {
        var customer = await desk.CustomerAsync();
        using var bank = Scenario.Node.As(customer.Key);
        var quote = await FxDesk.QuoteAsync(bank, "USD", "EUR", "5000");
        var id = Scenario.NewId();
        var quoteId = quote.GetProperty("id").GetString()!;
        var first = await FxDesk.PayAsync(bank, id, quoteId, customer.Debtor, customer.Creditor);
        Assert.Equal(HttpStatusCode.Created, first.Status);
        var again = await FxDesk.PayAsync(bank, id, quoteId, customer.Debtor, customer.Creditor);
        Assert.True(again.Status == HttpStatusCode.OK, again.ToString());
        Assert.Equal(Strings(first.Json.GetProperty("legs")), Strings(again.Json.GetProperty("legs")));
        Assert.Equal(("0", "5050", "0", "10000000"), await Scenario.BalancesAsync(customer.Debtor)); // 5000 + minimum fee 50

        // Same id, something else different: 409; a used quote with a new id: 409; neither moves money.
        var other = await desk.CustomerAsync();
        Assert.Equal("payment_exists", (await FxDesk.PayAsync(bank, id, quoteId, customer.Debtor, other.Creditor)).ProblemCode());
        Assert.Equal("quote_used", (await FxDesk.PayAsync(bank, Scenario.NewId(), quoteId, customer.Debtor, customer.Creditor)).ProblemCode());
        Assert.Equal(("0", "5050", "0", "10000000"), await Scenario.BalancesAsync(customer.Debtor));
    }

    [Fact]
    public async Task Currencies_of_different_scales_convert_exactly_by_the_stated_rule()
    {
        using var op = Scenario.Node.AsOperator();

        // USD/JPY 149.25, 30 bps, direct: 100.00 USD → floor(10000 × 595209/4000 / 100) = 14880 yen (scale 0).
        var usdJpy = await FxDesk.QuoteAsync(op, "USD", "JPY", "10000");
        Assert.Equal("14880", usdJpy.GetProperty("buy_amount").GetString());
        Assert.Equal("50", usdJpy.GetProperty("fee_amount").GetString()); // ceil(10) < minimum 50

        // JPY → USD inverted: 15000 yen × 997/149250 × 100 = 10020.1 → 10020 cents.
        var jpyUsd = await FxDesk.QuoteAsync(op, "JPY", "USD", "15000");
        Assert.Equal("10020", jpyUsd.GetProperty("buy_amount").GetString());
        Assert.Equal("0", jpyUsd.GetProperty("fee_amount").GetString());

        // USD → USDC (scale 6) at 1 with no spread: 123.45 USD is exactly 123450000 units.
        var usdUsdc = await FxDesk.QuoteAsync(op, "USD", "USDC", "12345");
        Assert.Equal("123450000", usdUsdc.GetProperty("buy_amount").GetString());

        // USDC → USD: 1.999999 USDC is 199.9999 cents, rounded down to 199.
        var usdcUsd = await FxDesk.QuoteAsync(op, "USDC", "USD", "1999999");
        Assert.Equal("199", usdcUsd.GetProperty("buy_amount").GetString());

        // Too little to buy one minor unit: 1 yen buys 0.0067 cents.
        var tiny = await op.PostAsync("/v1/fx/quotes", new { sell_currency = "JPY", buy_currency = "USD", sell_amount = "1" });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, tiny.Status);
        Assert.Equal("amount_too_small", tiny.ProblemCode());
    }

    [Fact]
    public async Task A_JPY_payment_credits_USD_and_a_USD_payment_credits_USDC()
    {
        var yen = await desk.CustomerAsync("JPY", "1000000", "USD");
        using var bank = Scenario.Node.As(yen.Key);
        var payment = await FxDesk.QuoteAndPayAsync(bank, yen, "JPY", "USD", "15000");
        Assert.Equal("accepted", payment.GetProperty("status").GetString());
        Assert.Equal(2, payment.GetProperty("legs").GetArrayLength()); // no fee on JPY
        Assert.Equal(("0", "15000", "0", "1000000"), await Scenario.BalancesAsync(yen.Debtor));
        Assert.Equal(("0", "0", "0", "10020"), await Scenario.BalancesAsync(yen.Creditor));

        var dollars = await desk.CustomerAsync("USD", "100000", "USDC");
        using var bank2 = Scenario.Node.As(dollars.Key);
        await FxDesk.QuoteAndPayAsync(bank2, dollars, "USD", "USDC", "12345");
        Assert.Equal(("0", "0", "0", "123450000"), await Scenario.BalancesAsync(dollars.Creditor));
    }

    [Fact]
    public async Task A_payment_the_debtor_cannot_cover_is_rejected_with_the_reason_and_moves_nothing()
    {
        var customer = await desk.CustomerAsync(funds: "1000");
        using var bank = Scenario.Node.As(customer.Key);
        var payment = await FxDesk.QuoteAndPayAsync(bank, customer, "USD", "EUR", "990"); // 990 + fee 50 > 1000
        Assert.Equal("rejected", payment.GetProperty("status").GetString());
        Assert.Equal("RJCT", payment.GetProperty("iso_status").GetString());
        Assert.Equal("insufficient_funds", payment.GetProperty("reason").GetString());
        var decisions = payment.GetProperty("decisions");
        Assert.Equal("ledger", decisions[decisions.GetArrayLength() - 1].GetProperty("rule").GetString());
        Assert.Equal(("0", "0", "0", "1000"), await Scenario.BalancesAsync(customer.Debtor));
        foreach (var leg in Strings(payment.GetProperty("legs")))
        {
            await Scenario.AssertTransferAbsentAsync(leg);
        }
    }

    [Fact]
    public async Task A_payment_beyond_the_desks_liquidity_is_rejected_as_insufficient_fx_liquidity()
    {
        // USDC liquidity is 100000000000 units (100,000 USDC); ask for more.
        var customer = await desk.CustomerAsync("USD", "20000000", "USDC");
        using var bank = Scenario.Node.As(customer.Key);
        var payment = await FxDesk.QuoteAndPayAsync(bank, customer, "USD", "USDC", "15000000");
        Assert.Equal("rejected", payment.GetProperty("status").GetString());
        Assert.Equal("insufficient_fx_liquidity", payment.GetProperty("reason").GetString());
        Assert.Equal(("0", "0", "0", "20000000"), await Scenario.BalancesAsync(customer.Debtor));
    }

    [Fact]
    public async Task Refunds_whole_or_partial_reverse_the_legs_and_never_return_more_than_was_paid()
    {
        var customer = await desk.CustomerAsync();
        using var bank = Scenario.Node.As(customer.Key);
        var payment = await FxDesk.QuoteAndPayAsync(bank, customer, "USD", "EUR", "100000"); // buys 91977, fee 100
        var id = payment.GetProperty("id").GetString()!;

        // A third of the EUR back: USD back is floor(30659 × 100000 / 91977) = 33333, fee back floor(30659 × 100 / 91977) = 33.
        var first = await bank.PostAsync($"/v1/payments/{id}/refunds", new { id = Scenario.NewId(), amount = "30659" });
        Assert.True(first.Status == HttpStatusCode.Created, first.ToString());
        Assert.Equal("completed", first.Json.GetProperty("status").GetString());
        Assert.Equal("33333", first.Json.GetProperty("sell_amount").GetString());
        Assert.Equal("33", first.Json.GetProperty("fee_amount").GetString());
        Assert.Equal(3, first.Json.GetProperty("legs").GetArrayLength());

        var tooMuch = await bank.PostAsync($"/v1/payments/{id}/refunds", new { id = Scenario.NewId(), amount = "61319" });
        Assert.Equal("refund_exceeds_payment", tooMuch.ProblemCode());

        // The rest (no amount): exactly what is left of sell and fee.
        var rest = await bank.PostAsync($"/v1/payments/{id}/refunds", new { id = Scenario.NewId() });
        Assert.True(rest.Status == HttpStatusCode.Created, rest.ToString());
        Assert.Equal("61318", rest.Json.GetProperty("amount").GetString());
        Assert.Equal("66667", rest.Json.GetProperty("sell_amount").GetString());
        Assert.Equal("67", rest.Json.GetProperty("fee_amount").GetString());

        Assert.Equal(("0", "100100", "0", "10100100"), await Scenario.BalancesAsync(customer.Debtor));
        Assert.Equal(("0", "91977", "0", "91977"), await Scenario.BalancesAsync(customer.Creditor));
        var read = (await bank.GetAsync($"/v1/payments/{id}")).Json;
        Assert.Equal("91977", read.GetProperty("refunded").GetProperty("amount").GetString());
        Assert.Equal("100000", read.GetProperty("refunded").GetProperty("sell_amount").GetString());
        Assert.Equal("100", read.GetProperty("refunded").GetProperty("fee_amount").GetString());
        Assert.Equal(2, (await bank.GetAsync($"/v1/payments/{id}/refunds")).Json.GetProperty("refunds").GetArrayLength());

        var nothingLeft = await bank.PostAsync($"/v1/payments/{id}/refunds", new { id = Scenario.NewId() });
        Assert.Equal("refund_exceeds_payment", nothingLeft.ProblemCode());
    }

    [Fact]
    public async Task Only_the_creditors_owner_or_the_operator_refunds_and_only_an_accepted_payment()
    {
        var debtor = await desk.CustomerAsync();
        var creditor = await desk.CustomerAsync();
        using var payer = Scenario.Node.As(debtor.Key);
        var quote = await FxDesk.QuoteAsync(payer, "USD", "EUR", "20000");
        var pay = await FxDesk.PayAsync(payer, Scenario.NewId(), quote.GetProperty("id").GetString()!, debtor.Debtor, creditor.Creditor);
        var id = pay.Json.GetProperty("id").GetString()!;

        var byDebtor = await payer.PostAsync($"/v1/payments/{id}/refunds", new { id = Scenario.NewId() });
        Assert.Equal(HttpStatusCode.Forbidden, byDebtor.Status);

        // The creditor's bank reads the payment it received, and refunds it.
        using var payee = Scenario.Node.As(creditor.Key);
        Assert.Equal(HttpStatusCode.OK, (await payee.GetAsync($"/v1/payments/{id}")).Status);
        var refundId = Scenario.NewId();
        var refund = await payee.PostAsync($"/v1/payments/{id}/refunds", new { id = refundId, amount = "100" });
        Assert.True(refund.Status == HttpStatusCode.Created, refund.ToString());
        var again = await payee.PostAsync($"/v1/payments/{id}/refunds", new { id = refundId, amount = "100" });
        Assert.Equal(HttpStatusCode.OK, again.Status);
        Assert.Equal("refund_exists", (await payee.PostAsync($"/v1/payments/{id}/refunds", new { id = refundId, amount = "101" })).ProblemCode());

        // A stranger sees nothing.
        var stranger = await desk.CustomerAsync();
        using var other = Scenario.Node.As(stranger.Key);
        Assert.Equal(HttpStatusCode.NotFound, (await other.GetAsync($"/v1/payments/{id}")).Status);

        // A rejected payment cannot be refunded.
        var poor = await desk.CustomerAsync(funds: "10");
        using var poorBank = Scenario.Node.As(poor.Key);
        var rejected = await FxDesk.QuoteAndPayAsync(poorBank, poor, "USD", "EUR", "5000");
        var refused = await poorBank.PostAsync($"/v1/payments/{rejected.GetProperty("id").GetString()}/refunds", new { id = Scenario.NewId() });
        Assert.Equal("payment_not_refundable", refused.ProblemCode());
    }

    [Fact]
    public async Task Quotes_and_payments_refuse_bad_input_with_named_codes_and_change_nothing()
    {
        var customer = await desk.CustomerAsync();
        using var bank = Scenario.Node.As(customer.Key);
        using var op = Scenario.Node.AsOperator();

        Assert.Equal("invalid_amount", (await bank.PostAsync("/v1/fx/quotes", new { sell_currency = "USD", buy_currency = "EUR", sell_amount = "-1" })).ProblemCode());
        Assert.Equal("invalid_amount", (await bank.PostAsync("/v1/fx/quotes", """{"sell_currency":"USD","buy_currency":"EUR","sell_amount":100}""")).ProblemCode());
        Assert.Equal("unknown_currency", (await bank.PostAsync("/v1/fx/quotes", new { sell_currency = "XXX", buy_currency = "EUR", sell_amount = "1" })).ProblemCode());
        Assert.Equal("same_currency", (await bank.PostAsync("/v1/fx/quotes", new { sell_currency = "USD", buy_currency = "USD", sell_amount = "1" })).ProblemCode());
        Assert.Equal("fx_rate_not_found", (await bank.PostAsync("/v1/fx/quotes", new { sell_currency = "GBP", buy_currency = "EUR", sell_amount = "100" })).ProblemCode());
        Assert.Equal("amount_too_large", (await bank.PostAsync("/v1/fx/quotes", new { sell_currency = "USD", buy_currency = "USDC", sell_amount = UInt128.MaxValue.ToString(System.Globalization.CultureInfo.InvariantCulture) })).ProblemCode());

        var quote = await FxDesk.QuoteAsync(bank, "USD", "EUR", "1000");
        var quoteId = quote.GetProperty("id").GetString()!;
        Assert.Equal("invalid_id", (await FxDesk.PayAsync(bank, "not-a-uuid", quoteId, customer.Debtor, customer.Creditor)).ProblemCode());
        Assert.Equal("not_found", (await FxDesk.PayAsync(bank, Scenario.NewId(), Scenario.NewId(), customer.Debtor, customer.Creditor)).ProblemCode());
        Assert.Equal("debtor_currency_mismatch", (await FxDesk.PayAsync(bank, Scenario.NewId(), quoteId, customer.Creditor, customer.Debtor)).ProblemCode());
        Assert.Equal("creditor_account_not_found", (await FxDesk.PayAsync(bank, Scenario.NewId(), quoteId, customer.Debtor, Scenario.NewId())).ProblemCode());
        Assert.Equal("accounts_must_be_different", (await FxDesk.PayAsync(bank, Scenario.NewId(), quoteId, customer.Debtor, customer.Debtor)).ProblemCode());

        // Another bank may neither use this quote nor debit this bank's account.
        var other = await desk.CustomerAsync();
        using var otherBank = Scenario.Node.As(other.Key);
        Assert.Equal("not_found", (await FxDesk.PayAsync(otherBank, Scenario.NewId(), quoteId, other.Debtor, other.Creditor)).ProblemCode());
        Assert.Equal(HttpStatusCode.NotFound, (await otherBank.GetAsync($"/v1/fx/quotes/{quoteId}")).Status);
        var otherQuote = await FxDesk.QuoteAsync(otherBank, "USD", "EUR", "1000");
        Assert.Equal(HttpStatusCode.Forbidden, (await FxDesk.PayAsync(otherBank, Scenario.NewId(), otherQuote.GetProperty("id").GetString()!, customer.Debtor, other.Creditor)).Status);

        // The quote is still unused and the account untouched.
        Assert.Equal(("0", "0", "0", "10000000"), await Scenario.BalancesAsync(customer.Debtor));
        Assert.Equal(HttpStatusCode.Created, (await FxDesk.PayAsync(bank, Scenario.NewId(), quoteId, customer.Debtor, customer.Creditor)).Status);

        // Rates and set-up are the operator's; bad values are refused.
        Assert.Equal(HttpStatusCode.Forbidden, (await bank.SendAsync(HttpMethod.Put, "/v1/fx/rates/EUR/USD", """{"rate":"2","spread_bps":0}""")).Status);
        foreach (var rate in new[] { "0", "-1", "1e3", "1,5", "1.", ".5", "1.0000000000000000001", "", " 1" })
        {
            var refused = await op.SendAsync(HttpMethod.Put, "/v1/fx/rates/GBP/EUR", JsonSerializer.Serialize(new { rate, spread_bps = 0 }));
            Assert.True(refused.ProblemCode() == "invalid_rate", $"{rate}: {refused}");
        }

        Assert.Equal("invalid_spread", (await op.SendAsync(HttpMethod.Put, "/v1/fx/rates/GBP/EUR", """{"rate":"1.17","spread_bps":10000}""")).ProblemCode());
        Assert.Equal("same_currency", (await op.SendAsync(HttpMethod.Put, "/v1/fx/rates/EUR/EUR", """{"rate":"1","spread_bps":0}""")).ProblemCode());
        Assert.Equal("invalid_fx_account", (await op.SendAsync(HttpMethod.Put, "/v1/fx/currencies/EUR", JsonSerializer.Serialize(new { liquidity_account_id = desk.FeeIncome["EUR"], fee_account_id = desk.FeeIncome["EUR"] }))).ProblemCode());
        Assert.Equal("invalid_fx_account", (await op.SendAsync(HttpMethod.Put, "/v1/fx/currencies/EUR", JsonSerializer.Serialize(new { liquidity_account_id = desk.Liquidity["USD"], fee_account_id = desk.FeeIncome["EUR"] }))).ProblemCode());
        Assert.Equal("invalid_fee", (await op.SendAsync(HttpMethod.Put, "/v1/fx/currencies/EUR", JsonSerializer.Serialize(new { liquidity_account_id = desk.Liquidity["EUR"], fee_account_id = desk.FeeIncome["EUR"], fee_bps = 10001 }))).ProblemCode());
        var rates = (await bank.GetAsync("/v1/fx/rates")).Json.GetProperty("rates");
        Assert.DoesNotContain(rates.EnumerateArray(), r => r.GetProperty("base").GetString() == "GBP");
    }

    [Fact]
    public async Task An_expired_quote_is_refused_with_409()
    {
        await using var node = await TestNode.StartAsync(configure: options => options.FxQuoteLifetime = TimeSpan.FromSeconds(1));
        var shortDesk = await FxDesk.OpenAsync(new Scenario(node));
        var customer = await shortDesk.CustomerAsync();
        using var bank = node.As(customer.Key);
        var quote = await FxDesk.QuoteAsync(bank, "USD", "EUR", "1000");
        await Task.Delay(TimeSpan.FromSeconds(1.2));
        var late = await FxDesk.PayAsync(bank, Scenario.NewId(), quote.GetProperty("id").GetString()!, customer.Debtor, customer.Creditor);
        Assert.Equal(HttpStatusCode.Conflict, late.Status);
        Assert.Equal("quote_expired", late.ProblemCode());
        Assert.Equal(("0", "0", "0", "10000000"), await new Scenario(node).BalancesAsync(customer.Debtor));
    }

    private static (string, string, string, string) Plus((string DebitsPending, string DebitsPosted, string CreditsPending, string CreditsPosted) before, long debits = 0, long credits = 0) => (
        before.DebitsPending,
        (UInt128.Parse(before.DebitsPosted, System.Globalization.CultureInfo.InvariantCulture) + (UInt128)debits).ToString(System.Globalization.CultureInfo.InvariantCulture),
        before.CreditsPending,
        (UInt128.Parse(before.CreditsPosted, System.Globalization.CultureInfo.InvariantCulture) + (UInt128)credits).ToString(System.Globalization.CultureInfo.InvariantCulture));

    private static List<string> Strings(JsonElement array) => [.. array.EnumerateArray().Select(e => e.GetString()!)];
}

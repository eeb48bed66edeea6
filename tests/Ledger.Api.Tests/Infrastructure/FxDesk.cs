using System.Net;
using System.Text.Json;

namespace Ledger.Api.Tests.Infrastructure;

/// <summary>
/// The operator's FX set-up on a test node, over the API: for USD, EUR, JPY and USDC a funding account, an
/// FX liquidity account (debits must not exceed credits) funded with <see cref="LiquidityFunding"/>, and a
/// fee income account; rates EUR/USD 1.0845 (25 bps), USD/JPY 149.25 (30 bps), USDC/USD 1 (0 bps); a USD
/// fee of 10 bps with a 0.50 minimum, no fee for the others.
/// </summary>
public sealed class FxDesk
{
    public const string LiquidityFunding = "100000000000";

    private FxDesk(Scenario scenario) => Scenario = scenario;

    public Scenario Scenario { get; }

    public Dictionary<string, string> Funding { get; } = [];

    public Dictionary<string, string> Liquidity { get; } = [];

    public Dictionary<string, string> FeeIncome { get; } = [];

    public static async Task<FxDesk> OpenAsync(Scenario scenario)
    {
        var desk = new FxDesk(scenario);
        using var op = scenario.Node.AsOperator();
        foreach (var currency in new[] { "USD", "EUR", "JPY", "USDC" })
        {
            desk.Funding[currency] = await scenario.OpenAccountAsync(op, Scenario.OperatorId, currency);
            desk.Liquidity[currency] = await scenario.OpenAccountAsync(op, Scenario.OperatorId, currency, "fx_liquidity", "debits_must_not_exceed_credits");
            desk.FeeIncome[currency] = await scenario.OpenAccountAsync(op, Scenario.OperatorId, currency, "fee_income");
            await scenario.TransferAsync(op, desk.Funding[currency], desk.Liquidity[currency], LiquidityFunding, currency);
            var fee = currency == "USD" ? new { fee_bps = 10, fee_minimum = "50" } : new { fee_bps = 0, fee_minimum = "0" };
            var setup = await op.SendAsync(HttpMethod.Put, $"/v1/fx/currencies/{currency}", JsonSerializer.Serialize(new
            {
                liquidity_account_id = desk.Liquidity[currency],
                fee_account_id = desk.FeeIncome[currency],
                fee.fee_bps,
                fee.fee_minimum,
            }));
            Assert.True(setup.Status == HttpStatusCode.OK, setup.ToString());
        }

        await SetRateAsync(op, "EUR", "USD", "1.0845", 25);
        await SetRateAsync(op, "USD", "JPY", "149.25", 30);
        await SetRateAsync(op, "USDC", "USD", "1", 0);
        return desk;
    }

    public static async Task SetRateAsync(ApiClient op, string @base, string quote, string rate, int spreadBps)
    {
        ArgumentNullException.ThrowIfNull(op);
        var response = await op.SendAsync(HttpMethod.Put, $"/v1/fx/rates/{@base}/{quote}", JsonSerializer.Serialize(new { rate, spread_bps = spreadBps }));
        Assert.True(response.Status == HttpStatusCode.OK, response.ToString());
    }

    /// <summary>A verified bank with a funded account in <paramref name="currency"/> and an empty one in <paramref name="creditCurrency"/>.</summary>
    public async Task<Customer> CustomerAsync(string currency = "USD", string funds = "10000000", string creditCurrency = "EUR", string kyc = "verified")
    {
        var (id, key) = await Scenario.CreateParticipantAsync("bank", kyc);
        using var bank = Scenario.Node.As(key);
        var debtor = await Scenario.OpenAccountAsync(bank, id, currency, "settlement", "debits_must_not_exceed_credits");
        var creditor = await Scenario.OpenAccountAsync(bank, id, creditCurrency);
        if (funds != "0")
        {
            using var op = Scenario.Node.AsOperator();
            await Scenario.TransferAsync(op, Funding[currency], debtor, funds, currency);
        }

        return new Customer(id, key, debtor, creditor);
    }

    public static async Task<JsonElement> QuoteAsync(ApiClient client, string sell, string buy, string amount)
    {
        ArgumentNullException.ThrowIfNull(client);
        var response = await client.PostAsync("/v1/fx/quotes", new { sell_currency = sell, buy_currency = buy, sell_amount = amount });
        Assert.True(response.Status == HttpStatusCode.Created, response.ToString());
        return response.Json;
    }

    public static Task<ApiResponse> PayAsync(ApiClient client, string id, string quoteId, string debtor, string creditor) =>
        client.PostAsync("/v1/payments", new { id, quote_id = quoteId, debtor_account_id = debtor, creditor_account_id = creditor });

    /// <summary>Quotes and pays; asserts 201 and returns the payment.</summary>
    public static async Task<JsonElement> QuoteAndPayAsync(ApiClient client, Customer customer, string sell, string buy, string amount)
    {
        ArgumentNullException.ThrowIfNull(customer);
        var quote = await QuoteAsync(client, sell, buy, amount);
        var response = await PayAsync(client, Scenario.NewId(), quote.GetProperty("id").GetString()!, customer.Debtor, customer.Creditor);
        Assert.True(response.Status == HttpStatusCode.Created, response.ToString());
        return response.Json;
    }
}

/// <summary>A test bank: its id and key, a funded debtor account and a creditor account.</summary>
public sealed record Customer(string Id, string Key, string Debtor, string Creditor);

using System.Security.Claims;
using Ledger.Api.Contracts;
using Ledger.Api.Hosting;
using Ledger.Api.Security;
using Ledger.Api.Wire;
using Ledger.Core.Directory;
using Ledger.Core.Fx;
using Ledger.Core.Payments;
using Ledger.Core.Storage;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Ledger.Api.Endpoints;

/// <summary>The operator's FX rate table and currency setup, and the quotes banks pay with.</summary>
public static class FxEndpoints
{
    /// <summary>Digits shown for an all-in rate that does not end sooner (the exact fraction is beside it).</summary>
    public const int RateDisplayDecimals = 18;

    public static RouteGroupBuilder MapFx(this RouteGroupBuilder v1)
    {
        ArgumentNullException.ThrowIfNull(v1);
        var group = v1.MapGroup("/fx").WithTags("FX");
        group.MapPut("/rates/{base}/{quote}", SetRateAsync)
            .WithName("SetFxRate")
            .WithSummary("Sets the mid rate of a pair (one base unit in quote units) and its spread. Operator only. The reverse direction is priced at 1/rate.")
            .Accepts<SetFxRateBody>("application/json")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status403Forbidden);
        group.MapGet("/rates", ListRatesAsync)
            .WithName("ListFxRates")
            .WithSummary("The rate table.");
        group.MapPut("/currencies/{code}", SetCurrencyAsync)
            .WithName("SetFxCurrency")
            .WithSummary("Sets a currency's FX liquidity account, fee income account and fee. Operator only.")
            .Accepts<SetFxCurrencyBody>("application/json")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        group.MapGet("/currencies", ListCurrenciesAsync)
            .WithName("ListFxCurrencies")
            .WithSummary("Every currency's FX setup.");
        group.MapPost("/quotes", CreateQuoteAsync)
            .WithName("CreateFxQuote")
            .WithSummary("Quotes a conversion and locks the rate until expires_at. Banks and the operator.")
            .Accepts<CreateQuoteBody>("application/json")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        group.MapGet("/quotes/{id}", GetQuoteAsync)
            .WithName("GetFxQuote")
            .WithSummary("A quote; only who asked for it (and the operator and auditors) may read it.")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound);
        return group;
    }

    public static async Task<Results<Ok<FxRateResponse>, ProblemHttpResult>> SetRateAsync(
        string @base, string quote, HttpRequest request, ClaimsPrincipal user, IPaymentStore payments, CurrencyDirectory currencies, TimeProvider clock, CancellationToken cancellationToken)
    {
        var caller = Caller.From(user);
        if (Access.RequireRole(caller, ParticipantRole.Operator) is { } denied)
        {
            return denied;
        }

        var baseCurrency = await currencies.FindByCodeAsync(@base, cancellationToken);
        var quoteCurrency = await currencies.FindByCodeAsync(quote, cancellationToken);
        if (baseCurrency is null || quoteCurrency is null)
        {
            return Problems.BadRequest("unknown_currency", $"The pair {@base}/{quote} names a currency this ledger does not have.");
        }

        if (baseCurrency.Ledger == quoteCurrency.Ledger)
        {
            return Problems.BadRequest("same_currency", "A rate needs two different currencies.");
        }

        var read = await JsonBody.ReadAsync<SetFxRateBody>(request);
        if (read.Problem is { } bad)
        {
            return bad;
        }

        var body = read.Value!;
        if (!FxDecimalText.TryParse(body.Rate, out var rate))
        {
            return Problems.BadRequest(
                "invalid_rate",
                $"rate is '{body.Rate}'; it must be a decimal string above zero such as \"1.0845\", with at most {FxDecimal.ScaleMax} decimals and {FxDecimal.DigitsMax} digits, no sign or exponent.");
        }

        if (body.SpreadBps is < 0 or > FxRateEntry.SpreadBpsMax)
        {
            return Problems.BadRequest("invalid_spread", $"spread_bps is {body.SpreadBps}; it must be from 0 to {FxRateEntry.SpreadBpsMax}.");
        }

        var entry = new FxRateEntry(baseCurrency.Ledger, quoteCurrency.Ledger, rate, (ushort)body.SpreadBps, clock.GetUtcNow());
        await payments.SetFxRateAsync(entry, cancellationToken);
        return TypedResults.Ok(await RateResponseAsync(entry, currencies, cancellationToken));
    }

    public static async Task<Ok<FxRatesResponse>> ListRatesAsync(IPaymentStore payments, CurrencyDirectory currencies, CancellationToken cancellationToken)
    {
        var rates = await payments.ListFxRatesAsync(cancellationToken);
        var list = new List<FxRateResponse>(rates.Count);
        foreach (var rate in rates)
        {
            list.Add(await RateResponseAsync(rate, currencies, cancellationToken));
        }

        return TypedResults.Ok(new FxRatesResponse(list));
    }

    public static async Task<Results<Ok<FxCurrencyResponse>, ProblemHttpResult>> SetCurrencyAsync(
        string code, HttpRequest request, ClaimsPrincipal user, IPaymentStore payments, ILedgerStore store, CurrencyDirectory currencies, TimeProvider clock, CancellationToken cancellationToken)
    {
        var caller = Caller.From(user);
        if (Access.RequireRole(caller, ParticipantRole.Operator) is { } denied)
        {
            return denied;
        }

        var currency = await currencies.FindByCodeAsync(code, cancellationToken);
        if (currency is null)
        {
            return Problems.NotFound($"There is no currency {code}.");
        }

        var read = await JsonBody.ReadAsync<SetFxCurrencyBody>(request);
        if (read.Problem is { } bad)
        {
            return bad;
        }

        var body = read.Value!;
        if (WireFormat.ParseId(body.LiquidityAccountId, "liquidity_account_id", out var liquidityId) is { } badLiquidity)
        {
            return badLiquidity;
        }

        if (WireFormat.ParseId(body.FeeAccountId, "fee_account_id", out var feeId) is { } badFee)
        {
            return badFee;
        }

        if (body.FeeBps is < 0 or > FxCurrencySetup.FeeBpsMax)
        {
            return Problems.BadRequest("invalid_fee", $"fee_bps is {body.FeeBps}; it must be from 0 to {FxCurrencySetup.FeeBpsMax}.");
        }

        var feeMinimum = UInt128.Zero;
        if (body.FeeMinimum is not null && !WireFormat.TryParseAmount(body.FeeMinimum, out feeMinimum))
        {
            return Problems.BadRequest("invalid_amount", $"fee_minimum is '{body.FeeMinimum}'; it must be a string of decimal digits at most 2^128-1.");
        }

        if (await CheckOperatorAccountAsync(store, liquidityId, "liquidity_account_id", AccountCode.FxLiquidity, currency, caller, cancellationToken) is { } liquidityProblem)
        {
            return liquidityProblem;
        }

        if (await CheckOperatorAccountAsync(store, feeId, "fee_account_id", AccountCode.FeeIncome, currency, caller, cancellationToken) is { } feeProblem)
        {
            return feeProblem;
        }

        var setup = new FxCurrencySetup(currency.Ledger, liquidityId, feeId, (ushort)(body.FeeBps ?? 0), feeMinimum, clock.GetUtcNow());
        await payments.SetFxCurrencyAsync(setup, cancellationToken);
        return TypedResults.Ok(CurrencyResponse(setup, currency.Code));
    }

    public static async Task<Ok<FxCurrenciesResponse>> ListCurrenciesAsync(IPaymentStore payments, CurrencyDirectory currencies, CancellationToken cancellationToken)
    {
        var setups = await payments.ListFxCurrenciesAsync(cancellationToken);
        var list = new List<FxCurrencyResponse>(setups.Count);
        foreach (var setup in setups)
        {
            list.Add(CurrencyResponse(setup, await currencies.NameLedgerAsync(setup.Ledger, cancellationToken)));
        }

        return TypedResults.Ok(new FxCurrenciesResponse(list));
    }

    public static async Task<Results<Created<QuoteResponse>, ProblemHttpResult>> CreateQuoteAsync(
        HttpRequest request, ClaimsPrincipal user, PaymentProcessor processor, CurrencyDirectory currencies, CancellationToken cancellationToken)
    {
        var caller = Caller.From(user);
        if (Access.RequireRole(caller, ParticipantRole.Operator, ParticipantRole.Bank) is { } denied)
        {
            return denied;
        }

        var read = await JsonBody.ReadAsync<CreateQuoteBody>(request);
        if (read.Problem is { } bad)
        {
            return bad;
        }

        var body = read.Value!;
        var sell = await currencies.FindByCodeAsync(body.SellCurrency, cancellationToken);
        if (sell is null)
        {
            return Problems.BadRequest("unknown_currency", $"sell_currency is '{body.SellCurrency}', which is not a currency of this ledger.");
        }

        var buy = await currencies.FindByCodeAsync(body.BuyCurrency, cancellationToken);
        if (buy is null)
        {
            return Problems.BadRequest("unknown_currency", $"buy_currency is '{body.BuyCurrency}', which is not a currency of this ledger.");
        }

        if (!WireFormat.TryParseAmount(body.SellAmount, out var sellAmount))
        {
            return Problems.BadRequest("invalid_amount", $"sell_amount is '{body.SellAmount}'; it must be a string of decimal digits (no sign, point or exponent) at most 2^128-1.");
        }

        var outcome = await processor.QuoteAsync(caller.Id, sell, buy, sellAmount, cancellationToken);
        if (outcome.Error != PaymentError.None)
        {
            return PaymentProblems.For(outcome.Error);
        }

        var response = await QuoteView(outcome.Quote!, currencies, cancellationToken);
        return TypedResults.Created($"/v1/fx/quotes/{response.Id}", response);
    }

    public static async Task<Results<Ok<QuoteResponse>, ProblemHttpResult>> GetQuoteAsync(
        string id, ClaimsPrincipal user, IPaymentStore payments, CurrencyDirectory currencies, CancellationToken cancellationToken)
    {
        var caller = Caller.From(user);
        if (WireFormat.ParseId(id, "The quote id in the path", out var quoteId) is { } badId)
        {
            return badId;
        }

        var quote = await payments.GetQuoteAsync(quoteId, cancellationToken);
        if (quote is null || !Access.MayRead(caller, quote.ParticipantId))
        {
            return Problems.NotFound($"There is no quote {id} of the caller's.");
        }

        return TypedResults.Ok(await QuoteView(quote, currencies, cancellationToken));
    }

    public static async ValueTask<QuoteResponse> QuoteView(FxQuote quote, CurrencyDirectory currencies, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(quote);
        ArgumentNullException.ThrowIfNull(currencies);
        var sell = await currencies.NameLedgerAsync(quote.SellLedger, cancellationToken);
        return new QuoteResponse(
            WireFormat.Id(quote.Id),
            sell,
            await currencies.NameLedgerAsync(quote.BuyLedger, cancellationToken),
            FxDecimalText.FormatFraction(quote.RateNumerator, quote.RateDenominator, RateDisplayDecimals),
            Fraction(quote.RateNumerator, quote.RateDenominator),
            FxDecimalText.Format(quote.MidRate),
            quote.Inverted,
            quote.SpreadBps,
            WireFormat.Amount(quote.SellAmount),
            WireFormat.Amount(quote.BuyAmount),
            WireFormat.Amount(quote.FeeAmount),
            sell,
            WireFormat.Timestamp(quote.CreatedAt),
            WireFormat.Timestamp(quote.ExpiresAt));
    }

    public static RateFraction Fraction(UInt128 numerator, UInt128 denominator) => new(WireFormat.Amount(numerator), WireFormat.Amount(denominator));

    private static async ValueTask<ProblemHttpResult?> CheckOperatorAccountAsync(
        ILedgerStore store, UInt128 id, string field, AccountCode code, Currency currency, Caller caller, CancellationToken cancellationToken)
    {
        var account = await store.GetAccountAsync(id, cancellationToken);
        var codeName = WireEnums.AccountCodeName((ushort)code);
        if (account is null)
        {
            return Problems.Unprocessable("account_not_found", $"{field}: there is no account {WireFormat.Id(id)}.");
        }

        if (account.Value.UserData128 != caller.Id || account.Value.Code != (ushort)code || account.Value.Ledger != currency.Ledger)
        {
            return Problems.Unprocessable(
                "invalid_fx_account",
                $"{field} must be an account of the operator with code {codeName} in {currency.Code}.");
        }

        return null;
    }

    private static async ValueTask<FxRateResponse> RateResponseAsync(FxRateEntry rate, CurrencyDirectory currencies, CancellationToken cancellationToken) => new(
        await currencies.NameLedgerAsync(rate.BaseLedger, cancellationToken),
        await currencies.NameLedgerAsync(rate.QuoteLedger, cancellationToken),
        FxDecimalText.Format(rate.Rate),
        rate.SpreadBps,
        WireFormat.Timestamp(rate.UpdatedAt));

    private static FxCurrencyResponse CurrencyResponse(FxCurrencySetup setup, string code) => new(
        code,
        WireFormat.Id(setup.LiquidityAccountId),
        WireFormat.Id(setup.FeeAccountId),
        setup.FeeBps,
        WireFormat.Amount(setup.FeeMinimum),
        WireFormat.Timestamp(setup.UpdatedAt));
}

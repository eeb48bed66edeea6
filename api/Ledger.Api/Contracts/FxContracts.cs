using System.ComponentModel;
using Ledger.Api.Wire;

namespace Ledger.Api.Contracts;

/// <summary>The body of PUT /v1/fx/rates/{base}/{quote}.</summary>
public sealed record SetFxRateBody
{
    [WireError("invalid_rate")]
    [Description("Units of the quote currency for one unit of the base currency (major units), as a decimal string such as \"1.0845\": digits with an optional point, at most 18 decimals and 30 digits, above zero.")]
    public required string Rate { get; init; }

    [WireError("invalid_spread")]
    [Description("Basis points taken off every conversion at this rate, in the operator's favour: 0 to 9999.")]
    public required int SpreadBps { get; init; }
}

public sealed record FxRateResponse(
    string Base,
    string Quote,
    string Rate,
    int SpreadBps,
    [property: Description("RFC 3339, UTC.")] string UpdatedAt);

public sealed record FxRatesResponse(IReadOnlyList<FxRateResponse> Rates);

/// <summary>The body of PUT /v1/fx/currencies/{code}.</summary>
public sealed record SetFxCurrencyBody
{
    [WireError("invalid_id")]
    [Description("The operator's account (code fx_liquidity) in this currency that receives it when sold and pays it out when bought.")]
    public required string LiquidityAccountId { get; init; }

    [WireError("invalid_id")]
    [Description("The operator's account (code fee_income) in this currency that receives the fees of payments selling it.")]
    public required string FeeAccountId { get; init; }

    [WireError("invalid_fee")]
    [Description("Fee on payments selling this currency, in basis points of the sell amount, rounded up to the minor unit: 0 to 10000. 0 when omitted.")]
    public int? FeeBps { get; init; }

    [WireError("invalid_amount")]
    [Description("The least fee, in minor units of this currency (a string of digits). 0 when omitted.")]
    public string? FeeMinimum { get; init; }
}

public sealed record FxCurrencyResponse(
    string Currency,
    string LiquidityAccountId,
    string FeeAccountId,
    int FeeBps,
    string FeeMinimum,
    [property: Description("RFC 3339, UTC.")] string UpdatedAt);

public sealed record FxCurrenciesResponse(IReadOnlyList<FxCurrencyResponse> Currencies);

/// <summary>The body of POST /v1/fx/quotes.</summary>
public sealed record CreateQuoteBody
{
    [WireError("unknown_currency")]
    public required string SellCurrency { get; init; }

    [WireError("unknown_currency")]
    public required string BuyCurrency { get; init; }

    [WireError("invalid_amount")]
    [Description("Minor units of the sell currency, as a string of digits.")]
    public required string SellAmount { get; init; }
}

/// <summary>An exact rate: numerator / denominator, as strings of digits.</summary>
public sealed record RateFraction(string Numerator, string Denominator);

public sealed record QuoteResponse(
    string Id,
    string SellCurrency,
    string BuyCurrency,
    [property: Description("The all-in rate (buy major units per sell major unit, spread included), rounded down to 18 decimals for display; rate_fraction is exact.")] string Rate,
    [property: Description("buy_amount = floor(sell_amount × numerator × 10^buy_scale / (denominator × 10^sell_scale)).")] RateFraction RateFraction,
    [property: Description("The operator's mid rate for the pair as set (base/quote), before the spread.")] string MidRate,
    [property: Description("Whether the mid rate is for the pair the other way round (buy/sell), so the conversion divides by it.")] bool MidRateInverted,
    int SpreadBps,
    string SellAmount,
    string BuyAmount,
    string FeeAmount,
    string FeeCurrency,
    [property: Description("RFC 3339, UTC.")] string CreatedAt,
    [property: Description("RFC 3339, UTC. The rate is locked until then.")] string ExpiresAt);

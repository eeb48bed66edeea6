using System.ComponentModel;
using Ledger.Api.Wire;
using Ledger.Core.Directory;

namespace Ledger.Api.Contracts;

/// <summary>The body of POST /v1/currencies.</summary>
public sealed record CreateCurrencyBody
{
    [WireError("invalid_currency_code")]
    [Description("3 to 10 upper-case letters, such as USD.")]
    public required string Code { get; init; }

    [WireError("invalid_ledger")]
    [Description("The ledger that holds the currency, 1 to 4294967295; ISO 4217 numeric codes are the convention.")]
    public required uint Ledger { get; init; }

    [WireError("invalid_scale")]
    [Description("Decimal places of the minor unit, 0 to 18.")]
    public required int Scale { get; init; }
}

public sealed record CurrencyResponse(string Code, uint Ledger, int Scale)
{
    public static CurrencyResponse From(Currency currency)
    {
        ArgumentNullException.ThrowIfNull(currency);
        return new CurrencyResponse(currency.Code, currency.Ledger, currency.Scale);
    }
}

public sealed record CurrencyListResponse(IReadOnlyList<CurrencyResponse> Currencies);

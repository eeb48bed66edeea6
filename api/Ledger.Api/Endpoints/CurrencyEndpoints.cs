using System.Security.Claims;
using System.Text.RegularExpressions;
using Ledger.Api.Contracts;
using Ledger.Api.Hosting;
using Ledger.Api.Security;
using Ledger.Api.Wire;
using Ledger.Core.Directory;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Ledger.Api.Endpoints;

public static partial class CurrencyEndpoints
{
    public static RouteGroupBuilder MapCurrencies(this RouteGroupBuilder v1)
    {
        ArgumentNullException.ThrowIfNull(v1);
        var group = v1.MapGroup("/currencies").WithTags("Currencies");
        group.MapPost(string.Empty, CreateAsync)
            .WithName("CreateCurrency")
            .WithSummary("Adds a currency and its ledger. Operator only.")
            .Accepts<CreateCurrencyBody>("application/json")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status409Conflict);
        group.MapGet(string.Empty, ListAsync)
            .WithName("ListCurrencies")
            .WithSummary("Every currency, its ledger and its scale.");
        return group;
    }

    public static async Task<Results<Created<CurrencyResponse>, ProblemHttpResult>> CreateAsync(
        HttpRequest request, ClaimsPrincipal user, IDirectoryStore directory, CurrencyDirectory currencies, CancellationToken cancellationToken)
    {
        var caller = Caller.From(user);
        if (Access.RequireRole(caller, ParticipantRole.Operator) is { } denied)
        {
            return denied;
        }

        var read = await JsonBody.ReadAsync<CreateCurrencyBody>(request);
        if (read.Problem is { } bad)
        {
            return bad;
        }

        var body = read.Value!;
        if (!CurrencyCode().IsMatch(body.Code))
        {
            return Problems.BadRequest("invalid_currency_code", $"code is '{body.Code}'; it must be 3 to 10 upper-case letters.");
        }

        if (body.Ledger == 0)
        {
            return Problems.BadRequest("invalid_ledger", "ledger must not be 0.");
        }

        if (body.Scale is < 0 or > Currency.ScaleMax)
        {
            return Problems.BadRequest("invalid_scale", $"scale is {body.Scale}; it must be from 0 to {Currency.ScaleMax}.");
        }

        var currency = new Currency(body.Code, body.Ledger, (byte)body.Scale);
        if (!await directory.TryAddCurrencyAsync(currency, cancellationToken))
        {
            return Problems.Conflict("currency_exists", $"The code {body.Code} or the ledger {body.Ledger} is taken already.");
        }

        currencies.Invalidate();
        return TypedResults.Created($"/v1/currencies/{currency.Code}", CurrencyResponse.From(currency));
    }

    public static async Task<Ok<CurrencyListResponse>> ListAsync(CurrencyDirectory currencies, CancellationToken cancellationToken)
    {
        var all = await currencies.ListAsync(cancellationToken);
        return TypedResults.Ok(new CurrencyListResponse([.. all.Select(CurrencyResponse.From)]));
    }

    [GeneratedRegex("^[A-Z]{3,10}$", RegexOptions.CultureInvariant)]
    private static partial Regex CurrencyCode();
}

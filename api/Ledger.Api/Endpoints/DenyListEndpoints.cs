using System.Security.Claims;
using Ledger.Api.Contracts;
using Ledger.Api.Security;
using Ledger.Api.Wire;
using Ledger.Chain.Abi;
using Ledger.Core.Directory;
using Ledger.Core.Payouts;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Ledger.Api.Endpoints;

/// <summary>The operator's deny list: addresses no payout may go to (sanctions lists and the like).</summary>
public static class DenyListEndpoints
{
    public const int ReasonLengthMax = 500;

    public static RouteGroupBuilder MapDenyList(this RouteGroupBuilder v1)
    {
        ArgumentNullException.ThrowIfNull(v1);
        var group = v1.MapGroup("/payouts/deny-list").WithTags("Payouts");
        group.MapPut("/{address}", DenyAsync)
            .WithName("DenyAddress")
            .WithSummary("Puts an address on the deny list (or replaces its reason). Operator only.")
            .Accepts<DenyAddressBody>("application/json")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status403Forbidden);
        group.MapDelete("/{address}", AllowAsync)
            .WithName("AllowAddress")
            .WithSummary("Takes an address off the deny list. Operator only.")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound);
        group.MapGet(string.Empty, ListAsync)
            .WithName("ListDeniedAddresses")
            .WithSummary("The deny list, by address. The operator and auditors.")
            .ProducesProblem(StatusCodes.Status403Forbidden);
        return group;
    }

    public static async Task<Results<Ok<DeniedAddressResponse>, ProblemHttpResult>> DenyAsync(
        string address, HttpRequest request, ClaimsPrincipal user, IPayoutStore payouts, TimeProvider clock, CancellationToken cancellationToken)
    {
        var caller = Caller.From(user);
        if (Access.RequireRole(caller, ParticipantRole.Operator) is { } denied)
        {
            return denied;
        }

        if (!Address.TryParse(address, out var parsed))
        {
            return Problems.BadRequest("invalid_address", $"'{address}' is not 0x and 40 hex digits (mixed case must be its EIP-55 checksum).");
        }

        var read = await JsonBody.ReadAsync<DenyAddressBody>(request);
        if (read.Problem is { } bad)
        {
            return bad;
        }

        var reason = read.Value!.Reason.Trim();
        if (reason.Length == 0 || reason.Length > ReasonLengthMax || reason.Any(char.IsControl))
        {
            return Problems.BadRequest("invalid_reason", $"reason must be 1 to {ReasonLengthMax} printable characters.");
        }

        var entry = new DeniedAddress(parsed.ToArray(), reason, "api", clock.GetUtcNow());
        await payouts.DenyAddressAsync(entry, cancellationToken);
        return TypedResults.Ok(DeniedAddressResponse.From(entry));
    }

    public static async Task<Results<NoContent, ProblemHttpResult>> AllowAsync(string address, ClaimsPrincipal user, IPayoutStore payouts, CancellationToken cancellationToken)
    {
        var caller = Caller.From(user);
        if (Access.RequireRole(caller, ParticipantRole.Operator) is { } denied)
        {
            return denied;
        }

        if (!Address.TryParse(address, out var parsed))
        {
            return Problems.BadRequest("invalid_address", $"'{address}' is not 0x and 40 hex digits (mixed case must be its EIP-55 checksum).");
        }

        return await payouts.AllowAddressAsync(parsed.ToArray(), cancellationToken)
            ? TypedResults.NoContent()
            : Problems.NotFound($"{parsed} is not on the deny list.");
    }

    public static async Task<Results<Ok<DenyListResponse>, ProblemHttpResult>> ListAsync(ClaimsPrincipal user, IPayoutStore payouts, CancellationToken cancellationToken)
    {
        var caller = Caller.From(user);
        if (Access.RequireRole(caller, ParticipantRole.Operator, ParticipantRole.Auditor) is { } denied)
        {
            return denied;
        }

        var entries = await payouts.ListDeniedAddressesAsync(cancellationToken);
        return TypedResults.Ok(new DenyListResponse([.. entries.Select(DeniedAddressResponse.From)]));
    }
}

using System.Globalization;
using System.Security.Claims;
using Ledger.Api.Chain;
using Ledger.Api.Contracts;
using Ledger.Api.Hosting;
using Ledger.Api.Payouts;
using Ledger.Api.Security;
using Ledger.Api.Wire;
using Ledger.Chain.Abi;
using Ledger.Core.Directory;
using Ledger.Core.Escrows;
using Ledger.Core.Payouts;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Ledger.Api.Endpoints;

/// <summary>
/// An order's funds in SettlementEscrow (API.md): opened from the treasury on a bank's behalf or by an
/// outside payer's permit, released by the arbiter (the operator's treasury) on delivery, refunded after
/// the deadline. The ledger mirrors each escrow with a pending transfer the chain's events post or void;
/// the silo sends the transactions and reconciles chain and ledger (GET /v1/reconciliation).
/// </summary>
public static class EscrowEndpoints
{
    public const string TreasuryFunding = "treasury";

    public const string PermitFunding = "permit";

    /// <summary>The most escrows one list answers.</summary>
    public const int ListMax = 1000;

    public static RouteGroupBuilder MapEscrows(this RouteGroupBuilder v1)
    {
        ArgumentNullException.ThrowIfNull(v1);
        var group = v1.MapGroup("/escrows").WithTags("Escrow");
        group.MapPost(string.Empty, CreateAsync)
            .WithName("CreateEscrow")
            .WithSummary("Opens an order's escrow: recorded and mirrored in the ledger at once (202, status opening); the silo opens it on chain. The same request again answers 200 with the stored escrow. treasury funding: a bank or the operator; permit funding: the credited account's owner or the operator.")
            .Accepts<CreateEscrowBody>("application/json")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        group.MapGet(string.Empty, ListAsync)
            .WithName("ListEscrows")
            .WithSummary("Escrows, newest first: the caller's own, or everyone's for the operator and auditors.")
            .ProducesProblem(StatusCodes.Status400BadRequest);
        group.MapGet("/{id}", GetAsync)
            .WithName("GetEscrow")
            .WithSummary("An escrow with its chain transactions and blocks.")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound);
        group.MapPost("/{id}/release", ReleaseAsync)
            .WithName("ReleaseEscrow")
            .WithSummary("Delivery is confirmed: the arbiter releases the escrow to its payee (202, status releasing; released once final on chain, and the mirror is posted). treasury funding: the bank or the operator; permit funding: the operator only.")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
        group.MapPost("/{id}/refund", RefundAsync)
            .WithName("RefundEscrow")
            .WithSummary("Refunds the escrow to its payer (202, status refunding; refunded once final on chain, and the mirror is voided). The operator at any time; the account's owner after the deadline.")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
        v1.MapGet("/reconciliation", GetReconciliationAsync)
            .WithTags("Escrow")
            .WithName("GetReconciliation")
            .WithSummary("The watcher's last comparison of chain and ledger (escrows, payouts, the treasury), with every mismatch found. The operator and auditors.")
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound);
        return group;
    }

    public static async Task<Results<Accepted<EscrowResponse>, Ok<EscrowResponse>, ProblemHttpResult>> CreateAsync(
        HttpRequest request, ClaimsPrincipal user, EscrowProcessor processor, IPayoutStore payouts, ChainConnection chain, CurrencyDirectory currencies, CancellationToken cancellationToken)
    {
        var caller = Caller.From(user);
        if (TokenOrderFields.RequireVerifiedPayer(caller, "escrows") is { } denied)
        {
            return denied;
        }

        var read = await JsonBody.ReadAsync<CreateEscrowBody>(request);
        if (read.Problem is { } bad)
        {
            return bad;
        }

        var body = read.Value!;
        var (fields, badField) = await TokenOrderFields.ParseAsync(body.Id, body.AccountId, body.Amount, body.Currency, currencies, cancellationToken);
        if (badField is not null)
        {
            return badField;
        }

        var (id, accountId, amount, currency) = fields!;
        if (currency.Code != StablecoinRail.Currency)
        {
            return Problems.Unprocessable("currency_not_supported", $"Escrows hold {StablecoinRail.Currency} only.");
        }

        if (!TryParseDeadline(body.Deadline, out var deadline))
        {
            return Problems.BadRequest("invalid_deadline", $"deadline is '{body.Deadline}'; it must be an RFC 3339 date and time with an offset, such as 2026-12-24T12:00:00Z.");
        }

        if (chain.Info is not { } info)
        {
            return Problems.Unavailable("chain_not_configured", "This node has no chain yet, so it cannot open an escrow; try again once GET /v1/chain answers.");
        }

        var treasury = Address.Parse(info.Treasury);
        var own = StablecoinRail.OwnAddresses(info);
        EscrowRequest escrow;
        switch (body.Funding)
        {
            case TreasuryFunding:
                if (caller.Role == ParticipantRole.Merchant)
                {
                    return Problems.Forbidden("forbidden", "A treasury-funded escrow locks a bank's funds: a bank or the operator opens it.");
                }

                if (body.Permit is not null)
                {
                    return EscrowProblems.For(EscrowError.PermitNotExpected);
                }

                if (body.Payee is null)
                {
                    return Problems.BadRequest("invalid_payee", "A treasury-funded escrow needs the payee: the address released funds go to.");
                }

                if (PayoutDestination.Check(body.Payee, own, "payee", out var payee) is { } badPayee)
                {
                    return Problems.BadRequest(badPayee.Code, badPayee.Detail);
                }

                if (await payouts.FindDeniedAddressAsync(payee.ToArray(), cancellationToken) is not null)
                {
                    return Problems.Unprocessable("payee_denied", "The payee is on the operator's deny list.");
                }

                escrow = new EscrowRequest(id, EscrowFunding.Treasury, accountId, amount, treasury.ToArray(), payee.ToArray(), treasury.ToArray(), deadline, null);
                break;
            case PermitFunding:
                if (body.Payee is not null)
                {
                    return Problems.BadRequest("payee_not_expected", "A permit-funded escrow pays the treasury on release (account_id is credited); leave payee out.");
                }

                if (body.Permit is not { } permit)
                {
                    return EscrowProblems.For(EscrowError.PermitRequired);
                }

                if (PayoutDestination.Check(permit.Payer, own, "payer", out var payer) is { } badPayer)
                {
                    return Problems.BadRequest(badPayer.Code, badPayer.Detail);
                }

                if (!HexText.TryParseFixed(permit.R, EscrowPermit.SignatureWordBytes, out var r)
                    || !HexText.TryParseFixed(permit.S, EscrowPermit.SignatureWordBytes, out var s)
                    || permit.V is not (27 or 28))
                {
                    return Problems.BadRequest("invalid_permit", "permit.v is 27 or 28, and permit.r and permit.s are 0x and 64 hex digits each.");
                }

                escrow = new EscrowRequest(id, EscrowFunding.Permit, accountId, amount, payer.ToArray(), treasury.ToArray(), treasury.ToArray(), deadline, new EscrowPermit(permit.Deadline, permit.V, r, s));
                break;
            default:
                return Problems.BadRequest("invalid_funding", $"funding is '{body.Funding}'; it is {TreasuryFunding} or {PermitFunding}.");
        }

        var outcome = await processor.OpenAsync(escrow, currency, StablecoinRail.TokenDecimals, caller.Id, caller.IsOperator, cancellationToken);
        if (outcome.Error != EscrowError.None)
        {
            return EscrowProblems.For(outcome.Error, outcome.LedgerResult);
        }

        var view = await ViewAsync(outcome.Escrow!, currencies, cancellationToken);
        return outcome.Created ? TypedResults.Accepted($"/v1/escrows/{view.Id}", view) : TypedResults.Ok(view);
    }

    public static async Task<Results<Ok<EscrowResponse>, ProblemHttpResult>> GetAsync(
        string id, ClaimsPrincipal user, IEscrowStore escrows, CurrencyDirectory currencies, CancellationToken cancellationToken)
    {
        var caller = Caller.From(user);
        if (WireFormat.ParseId(id, "The escrow id in the path", out var escrowId) is { } badId)
        {
            return badId;
        }

        var escrow = await escrows.GetEscrowAsync(escrowId, cancellationToken);
        if (escrow is null || !Access.MayRead(caller, escrow.ParticipantId))
        {
            return EscrowProblems.For(EscrowError.NotFound);
        }

        return TypedResults.Ok(await ViewAsync(escrow, currencies, cancellationToken));
    }

    public static async Task<Results<Ok<EscrowsResponse>, ProblemHttpResult>> ListAsync(
        HttpRequest request, ClaimsPrincipal user, IEscrowStore escrows, CurrencyDirectory currencies, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var caller = Caller.From(user);
        if (QueryNumbers.Read(request, "limit", 1, ListMax, 100, out var limit) is { } badLimit)
        {
            return badLimit;
        }

        var page = await escrows.ListEscrowsAsync(caller.ReadsEverything ? null : caller.Id, (int)limit, cancellationToken);
        var views = new List<EscrowResponse>(page.Count);
        foreach (var escrow in page)
        {
            views.Add(await ViewAsync(escrow, currencies, cancellationToken));
        }

        return TypedResults.Ok(new EscrowsResponse(views));
    }

    public static async Task<Results<Accepted<EscrowResponse>, ProblemHttpResult>> ReleaseAsync(
        string id, ClaimsPrincipal user, EscrowProcessor processor, IEscrowStore escrows, CurrencyDirectory currencies, CancellationToken cancellationToken)
    {
        var caller = Caller.From(user);
        if (WireFormat.ParseId(id, "The escrow id in the path", out var escrowId) is { } badId)
        {
            return badId;
        }

        // The arbiter releases a permit-funded escrow on the evidence of delivery; its account's owner is the
        // merchant paid, who must not release to itself.
        if (!caller.IsOperator
            && await escrows.GetEscrowAsync(escrowId, cancellationToken) is { Funding: EscrowFunding.Permit } escrow
            && escrow.ParticipantId == caller.Id)
        {
            return Problems.Forbidden("forbidden", "A permit-funded escrow is released by the operator (the arbiter) once delivery is confirmed.");
        }

        return await AnswerAsync(await processor.RequestReleaseAsync(escrowId, caller.Id, caller.IsOperator, cancellationToken), currencies, cancellationToken);
    }

    public static async Task<Results<Accepted<EscrowResponse>, ProblemHttpResult>> RefundAsync(
        string id, ClaimsPrincipal user, EscrowProcessor processor, CurrencyDirectory currencies, CancellationToken cancellationToken)
    {
        var caller = Caller.From(user);
        if (WireFormat.ParseId(id, "The escrow id in the path", out var escrowId) is { } badId)
        {
            return badId;
        }

        return await AnswerAsync(await processor.RequestRefundAsync(escrowId, caller.Id, caller.IsOperator, cancellationToken), currencies, cancellationToken);
    }

    public static async Task<Results<Ok<ReconciliationResponse>, ProblemHttpResult>> GetReconciliationAsync(
        ClaimsPrincipal user, IEscrowStore escrows, CancellationToken cancellationToken)
    {
        var caller = Caller.From(user);
        if (Access.RequireRole(caller, ParticipantRole.Operator, ParticipantRole.Auditor) is { } denied)
        {
            return denied;
        }

        if (await escrows.GetReconciliationAsync(cancellationToken) is not { } report)
        {
            return Problems.Create(StatusCodes.Status404NotFound, "reconciliation_not_run", "The watcher has not reconciled chain and ledger yet: it runs on the silo leader once the node has a chain.");
        }

        return TypedResults.Ok(new ReconciliationResponse(
            WireFormat.Timestamp(report.CheckedAt),
            report.BlockNumber,
            report.EscrowsChecked,
            report.PayoutsChecked,
            report.Mismatches.Count == 0,
            [.. report.Mismatches.Select(m => new ReconciliationMismatchResponse(m.Subject, m.Id is { } mid ? WireFormat.Id(mid) : null, m.Kind, m.Detail))]));
    }

    public static async ValueTask<EscrowResponse> ViewAsync(Escrow escrow, CurrencyDirectory currencies, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(escrow);
        ArgumentNullException.ThrowIfNull(currencies);
        return new EscrowResponse(
            WireFormat.Id(escrow.Id),
            StatusName(escrow.Status),
            escrow.FailureReason,
            escrow.Funding == EscrowFunding.Treasury ? TreasuryFunding : PermitFunding,
            WireFormat.Id(escrow.AccountId),
            WireFormat.Id(escrow.EscrowAccountId),
            WireFormat.Amount(escrow.Amount),
            await currencies.NameLedgerAsync(escrow.Ledger, cancellationToken),
            WireFormat.Amount(escrow.TokenAmount),
            Address.FromBytes(escrow.Payer).ToString(),
            Address.FromBytes(escrow.Payee).ToString(),
            Address.FromBytes(escrow.Arbiter).ToString(),
            WireFormat.Timestamp(escrow.Deadline),
            WireFormat.Id(EscrowLegs.MirrorId(escrow.Id)),
            escrow.TxHash is { } hash ? HexText.Of(hash) : null,
            escrow.OpenedBlock,
            escrow.ClosedBlock,
            escrow.ClosedTxHash is { } closed ? HexText.Of(closed) : null,
            WireFormat.Timestamp(escrow.CreatedAt),
            WireFormat.Timestamp(escrow.UpdatedAt));
    }

    public static string StatusName(EscrowStatus status) => status switch
    {
        EscrowStatus.Opening => "opening",
        EscrowStatus.Open => "open",
        EscrowStatus.Releasing => "releasing",
        EscrowStatus.Refunding => "refunding",
        EscrowStatus.Released => "released",
        EscrowStatus.Refunded => "refunded",
        _ => "failed",
    };

    /// <summary>RFC 3339 with a date, a time and an offset (Z or ±hh:mm); nothing looser.</summary>
    public static bool TryParseDeadline(string? text, out DateTimeOffset deadline)
    {
        deadline = default;
        if (text is null || text.Length < 20 || text.Length > 40 || (text[10] != 'T' && text[10] != 't'))
        {
            return false;
        }

        var last = text[^1];
        var hasOffset = last is 'Z' or 'z' || (text.Length > 6 && text[^6] is '+' or '-' && text[^3] == ':');
        return hasOffset && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal, out deadline);
    }

    private static async Task<Results<Accepted<EscrowResponse>, ProblemHttpResult>> AnswerAsync(EscrowOutcome outcome, CurrencyDirectory currencies, CancellationToken cancellationToken)
    {
        if (outcome.Error != EscrowError.None)
        {
            return EscrowProblems.For(outcome.Error, outcome.LedgerResult);
        }

        var view = await ViewAsync(outcome.Escrow!, currencies, cancellationToken);
        return TypedResults.Accepted($"/v1/escrows/{view.Id}", view);
    }
}

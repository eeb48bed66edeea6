using System.Security.Claims;
using Ledger.Api.Contracts;
using Ledger.Api.Hosting;
using Ledger.Api.Security;
using Ledger.Api.Wire;
using Ledger.Core.Commit;
using Ledger.Core.Directory;
using Ledger.Core.Domain;
using Ledger.Core.Storage;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Ledger.Api.Endpoints;

public static class AccountEndpoints
{
    public const int PageLimitDefault = 100;

    public static RouteGroupBuilder MapAccounts(this RouteGroupBuilder v1)
    {
        ArgumentNullException.ThrowIfNull(v1);
        var group = v1.MapGroup("/accounts").WithTags("Accounts");
        group.MapPost(string.Empty, CreateAsync)
            .WithName("CreateAccount")
            .WithSummary("Opens an account: 201 when created, 200 with the account when the same account exists. Banks and merchants open their own; the operator anyone's.")
            .Accepts<CreateAccountBody>("application/json")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        group.MapGet("/{id}", GetAsync)
            .WithName("GetAccount")
            .WithSummary("An account and its balances. Visible to its owner, the operator and auditors.")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound);
        group.MapGet("/{id}/transfers", GetTransfersAsync)
            .WithName("GetAccountTransfers")
            .WithSummary("The account's transfers, oldest first, a page at a time: pass next as after= for the next page.")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound);
        group.MapGet("/{id}/balances", GetBalancesAsync)
            .WithName("GetAccountBalances")
            .WithSummary("The balances after each transfer, for accounts opened with the history flag; oldest first, paged like transfers.")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
        return group;
    }

    public static async Task<Results<Created<AccountResponse>, Ok<AccountResponse>, ProblemHttpResult>> CreateAsync(
        HttpRequest request,
        ClaimsPrincipal user,
        IDirectoryStore directory,
        ILedgerStore store,
        LedgerEngine engine,
        CurrencyDirectory currencies,
        CancellationToken cancellationToken)
    {
        var caller = Caller.From(user);
        if (Access.RequireRole(caller, ParticipantRole.Operator, ParticipantRole.Bank, ParticipantRole.Merchant) is { } denied)
        {
            return denied;
        }

        var read = await JsonBody.ReadAsync<CreateAccountBody>(request);
        if (read.Problem is { } bad)
        {
            return bad;
        }

        var body = read.Value!;
        if (WireFormat.ParseId(body.Id, "id", out var id) is { } badId)
        {
            return badId;
        }

        if (WireFormat.ParseId(body.OwnerId, "owner_id", out var ownerId) is { } badOwner)
        {
            return badOwner;
        }

        if (!caller.IsOperator && ownerId != caller.Id)
        {
            return Problems.Forbidden("forbidden", "Banks and merchants may open accounts only for themselves.");
        }

        var flags = AccountFlags.None;
        foreach (var name in body.Flags ?? [])
        {
            var flag = WireEnums.ToFlags(name);
            if (flag == AccountFlags.Closed)
            {
                return Problems.BadRequest("invalid_flags", "closed cannot be asked for; a closing transfer closes an account.");
            }

            if ((flags & flag) != 0)
            {
                return Problems.BadRequest("invalid_flags", "flags names a flag more than once.");
            }

            flags |= flag;
        }

        var currency = await currencies.FindByCodeAsync(body.Currency, cancellationToken);
        if (currency is null)
        {
            return Problems.BadRequest("unknown_currency", $"There is no currency '{body.Currency}'; see GET /v1/currencies.");
        }

        if (await directory.GetParticipantAsync(ownerId, cancellationToken) is null)
        {
            return Problems.Unprocessable("owner_not_found", $"There is no participant with id {body.OwnerId}.");
        }

        var account = new Account
        {
            Id = id,
            Ledger = currency.Ledger,
            Code = (ushort)body.Code,
            Flags = flags,
            UserData128 = ownerId,
        };
        var outcome = await engine.CreateAccountsAsync([account], cancellationToken);
        var result = outcome.Results[0];
        switch (result.Result)
        {
            case CreateAccountResult.Created:
                var created = await ViewAsync(account with { Timestamp = result.Timestamp }, currencies, cancellationToken);
                return TypedResults.Created($"/v1/accounts/{created.Id}", created);
            case CreateAccountResult.Exists:
                var existing = await store.GetAccountAsync(id, cancellationToken)
                    ?? throw new InvalidOperationException("The engine reported an existing account the store does not have.");
                return TypedResults.Ok(await ViewAsync(existing, currencies, cancellationToken));
            case CreateAccountResult.ExistsWithDifferentFlags:
            case CreateAccountResult.ExistsWithDifferentUserData128:
            case CreateAccountResult.ExistsWithDifferentUserData64:
            case CreateAccountResult.ExistsWithDifferentUserData32:
            case CreateAccountResult.ExistsWithDifferentLedger:
            case CreateAccountResult.ExistsWithDifferentCode:
                return Problems.Conflict(result.Result.Name(), $"An account with id {body.Id} exists with different values ({result.Result.Name()}).");
            case CreateAccountResult.IdMustNotBeZero:
            case CreateAccountResult.IdMustNotBeIntMax:
            case CreateAccountResult.ReservedFlag:
            case CreateAccountResult.FlagsAreMutuallyExclusive:
            case CreateAccountResult.BalancesMustBeZero:
            case CreateAccountResult.LedgerMustNotBeZero:
            case CreateAccountResult.CodeMustNotBeZero:
                return Problems.BadRequest(result.Result.Name(), $"The account was not created: {result.Result.Name()}.");
            default:
                return Problems.Unprocessable(result.Result.Name(), $"The account was not created: {result.Result.Name()}.");
        }
    }

    public static async Task<Results<Ok<AccountResponse>, ProblemHttpResult>> GetAsync(
        string id, ClaimsPrincipal user, ILedgerStore store, CurrencyDirectory currencies, CancellationToken cancellationToken)
    {
        var (account, problem) = await FindVisibleAsync(id, Caller.From(user), store, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }

        return TypedResults.Ok(await ViewAsync(account, currencies, cancellationToken));
    }

    public static async Task<Results<Ok<AccountTransfersResponse>, ProblemHttpResult>> GetTransfersAsync(
        string id, string? after, string? limit, ClaimsPrincipal user, ILedgerStore store, CurrencyDirectory currencies, TimeProvider clock, CancellationToken cancellationToken)
    {
        if (ParsePage(after, limit, out var afterTimestamp, out var pageLimit) is { } badPage)
        {
            return badPage;
        }

        var (account, problem) = await FindVisibleAsync(id, Caller.From(user), store, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }

        var stored = await store.GetAccountTransfersAsync(account.Id, afterTimestamp, pageLimit, cancellationToken);
        var now = WireFormat.Nanoseconds(clock.GetUtcNow());
        var transfers = new List<TransferResponse>(stored.Count);
        foreach (var transfer in stored)
        {
            transfers.Add(await TransferEndpoints.ViewAsync(transfer, now, currencies, cancellationToken));
        }

        var next = stored.Count == pageLimit ? WireFormat.Integer(stored[^1].Transfer.Timestamp) : null;
        return TypedResults.Ok(new AccountTransfersResponse(transfers, next));
    }

    public static async Task<Results<Ok<AccountBalancesResponse>, ProblemHttpResult>> GetBalancesAsync(
        string id, string? after, string? limit, ClaimsPrincipal user, ILedgerStore store, CancellationToken cancellationToken)
    {
        if (ParsePage(after, limit, out var afterTimestamp, out var pageLimit) is { } badPage)
        {
            return badPage;
        }

        var (account, problem) = await FindVisibleAsync(id, Caller.From(user), store, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }

        if ((account.Flags & AccountFlags.History) == 0)
        {
            return Problems.Conflict("history_not_enabled", "The account was opened without the history flag, so it keeps no balance history.");
        }

        var stored = await store.GetAccountBalancesAsync(account.Id, afterTimestamp, pageLimit, cancellationToken);
        var balances = stored.Select(b => new AccountBalanceResponse(
            WireFormat.Timestamp(b.Timestamp),
            WireFormat.Integer(b.Timestamp),
            WireFormat.Amount(b.DebitsPending),
            WireFormat.Amount(b.DebitsPosted),
            WireFormat.Amount(b.CreditsPending),
            WireFormat.Amount(b.CreditsPosted))).ToList();
        var next = stored.Count == pageLimit ? WireFormat.Integer(stored[^1].Timestamp) : null;
        return TypedResults.Ok(new AccountBalancesResponse(balances, next));
    }

    public static async ValueTask<AccountResponse> ViewAsync(Account account, CurrencyDirectory currencies, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(currencies);
        return new AccountResponse(
            WireFormat.Id(account.Id),
            WireFormat.Id(account.UserData128),
            await currencies.NameLedgerAsync(account.Ledger, cancellationToken),
            WireEnums.AccountCodeName(account.Code),
            WireEnums.Names(account.Flags),
            WireFormat.Amount(account.DebitsPending),
            WireFormat.Amount(account.DebitsPosted),
            WireFormat.Amount(account.CreditsPending),
            WireFormat.Amount(account.CreditsPosted),
            WireFormat.Timestamp(account.Timestamp),
            WireFormat.Integer(account.Timestamp));
    }

    /// <summary>Parses after= (a timestamp_ns, default 0) and limit= (1 to the page maximum, default 100).</summary>
    public static ProblemHttpResult? ParsePage(string? after, string? limit, out ulong afterTimestamp, out int pageLimit)
    {
        afterTimestamp = 0;
        pageLimit = PageLimitDefault;
        if (after is not null && !WireFormat.TryParseUInt64(after, out afterTimestamp))
        {
            return Problems.BadRequest("invalid_cursor", "after must be a timestamp_ns: decimal digits, as returned in next.");
        }

        if (limit is not null && (!WireFormat.TryParseUInt64(limit, out var parsed) || parsed < 1 || parsed > LedgerLimits.HistoryPageMax))
        {
            return Problems.BadRequest("invalid_limit", $"limit must be an integer from 1 to {LedgerLimits.HistoryPageMax}.");
        }

        if (limit is not null)
        {
            pageLimit = int.Parse(limit, System.Globalization.CultureInfo.InvariantCulture);
        }

        return null;
    }

    private static async ValueTask<(Account Account, ProblemHttpResult? Problem)> FindVisibleAsync(string id, Caller caller, ILedgerStore store, CancellationToken cancellationToken)
    {
        if (WireFormat.ParseId(id, "The account id in the path", out var accountId) is { } badId)
        {
            return (default, badId);
        }

        var account = await store.GetAccountAsync(accountId, cancellationToken);
        if (account is null)
        {
            return (default, Problems.NotFound($"There is no account with id {id}."));
        }

        if (!Access.MayRead(caller, account.Value.UserData128))
        {
            return (default, Problems.Forbidden("forbidden", "Only the account's owner, the operator and auditors may read an account."));
        }

        return (account.Value, null);
    }
}

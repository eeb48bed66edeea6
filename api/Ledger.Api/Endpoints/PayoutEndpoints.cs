using System.Security.Claims;
using Ledger.Api.Chain;
using Ledger.Api.Contracts;
using Ledger.Api.Hosting;
using Ledger.Api.Payouts;
using Ledger.Api.Security;
using Ledger.Api.Wire;
using Ledger.Chain.Abi;
using Ledger.Chain.Rpc;
using Ledger.Core.Directory;
using Ledger.Core.Payouts;
using Ledger.Core.Storage;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Ledger.Api.Endpoints;

/// <summary>
/// Payouts to merchants on the erc20 rail (API.md): a request holds the amount in the ledger at once (202);
/// the silo leader batches held payouts into PayoutBatcher transactions and posts or voids each hold by
/// what the chain says.
/// </summary>
public static class PayoutEndpoints
{
    public const string Erc20Rail = "erc20";

    public const string BitcoinRail = "bitcoin";

    public static RouteGroupBuilder MapPayouts(this RouteGroupBuilder v1)
    {
        ArgumentNullException.ThrowIfNull(v1);
        var group = v1.MapGroup("/payouts").WithTags("Payouts");
        group.MapPost(string.Empty, CreateAsync)
            .WithName("CreatePayout")
            .WithSummary("Pays out from a merchant_payable account to an address: the amount is held at once (202, status pending) and paid on chain by the next batch. The same request again answers 200 with the stored payout. The account's owner or the operator.")
            .Accepts<CreatePayoutBody>("application/json")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        group.MapGet(string.Empty, ListAsync)
            .WithName("ListPayouts")
            .WithSummary("Payouts, newest first: the caller's own, or everyone's for the operator and auditors.")
            .ProducesProblem(StatusCodes.Status400BadRequest);
        group.MapGet("/{id}", GetAsync)
            .WithName("GetPayout")
            .WithSummary("A payout with its batch transaction, block and confirmations.")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound);
        return group;
    }

    public static async Task<Results<Accepted<PayoutResponse>, Ok<PayoutResponse>, ProblemHttpResult>> CreateAsync(
        HttpRequest request,
        ClaimsPrincipal user,
        PayoutProcessor processor,
        IPayoutStore payouts,
        IDirectoryStore directory,
        ILedgerStore store,
        ChainConnection chain,
        CurrencyDirectory currencies,
        CancellationToken cancellationToken)
    {
        var caller = Caller.From(user);
        if (TokenOrderFields.RequireVerifiedPayer(caller, "payouts") is { } denied)
        {
            return denied;
        }

        var read = await JsonBody.ReadAsync<CreatePayoutBody>(request);
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
        switch (body.Rail)
        {
            case Erc20Rail:
                break;
            case BitcoinRail:
                return PayoutProblems.For(PayoutError.RailNotSupported);
            default:
                return Problems.BadRequest("invalid_rail", $"rail is '{body.Rail}'; it is {Erc20Rail} (or {BitcoinRail}, not served yet).");
        }

        if (chain.Info is not { } info)
        {
            return Problems.Unavailable("chain_not_configured", "This node has no chain yet, so it cannot check a destination against its own contracts; try again once GET /v1/chain answers.");
        }

        if (PayoutDestination.Check(body.Destination, StablecoinRail.OwnAddresses(info), out var destination) is { } badDestination)
        {
            return Problems.BadRequest(badDestination.Code, badDestination.Detail);
        }

        if (caller.IsOperator && await OwnerKycPendingAsync(accountId, store, directory, cancellationToken))
        {
            return Problems.Forbidden("kyc_pending", "The account's owner has KYC pending; payouts wait until it is verified.");
        }

        var outcome = await processor.CreateAsync(
            new PayoutRequest(id, accountId, amount, PayoutRail.Erc20, destination.ToArray()),
            currency,
            StablecoinRail.Currency,
            StablecoinRail.TokenDecimals,
            caller.Id,
            caller.IsOperator,
            cancellationToken);
        if (outcome.Error != PayoutError.None)
        {
            return PayoutProblems.For(outcome.Error, outcome.LedgerResult);
        }

        var view = await ViewAsync(outcome.Payout!, payouts, chain, currencies, cancellationToken);
        return outcome.Created ? TypedResults.Accepted($"/v1/payouts/{view.Id}", view) : TypedResults.Ok(view);
    }

    public static async Task<Results<Ok<PayoutResponse>, ProblemHttpResult>> GetAsync(
        string id, ClaimsPrincipal user, PayoutProcessor processor, IPayoutStore payouts, ChainConnection chain, CurrencyDirectory currencies, CancellationToken cancellationToken)
    {
        var caller = Caller.From(user);
        if (WireFormat.ParseId(id, "The payout id in the path", out var payoutId) is { } badId)
        {
            return badId;
        }

        var outcome = await processor.GetAsync(payoutId, caller.Id, caller.IsOperator, caller.ReadsEverything, cancellationToken);
        if (outcome.Error != PayoutError.None)
        {
            return PayoutProblems.For(outcome.Error);
        }

        return TypedResults.Ok(await ViewAsync(outcome.Payout!, payouts, chain, currencies, cancellationToken));
    }

    public static async Task<Results<Ok<PayoutsResponse>, ProblemHttpResult>> ListAsync(
        HttpRequest request, ClaimsPrincipal user, PayoutProcessor processor, IPayoutStore payouts, ChainConnection chain, CurrencyDirectory currencies, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var caller = Caller.From(user);
        if (QueryNumbers.Read(request, "limit", 1, PayoutProcessor.ListMax, 100, out var limit) is { } badLimit)
        {
            return badLimit;
        }

        var page = await processor.ListAsync(caller.Id, caller.IsOperator, caller.ReadsEverything, (int)limit, cancellationToken);
        var head = await HeadAsync(chain, cancellationToken);

        // Up to 256 payouts share a batch: each batch is read once for the page.
        var batches = new Dictionary<ulong, PayoutBatch?>();
        var views = new List<PayoutResponse>(page.Count);
        foreach (var payout in page)
        {
            PayoutBatch? batch = null;
            if (payout.BatchSeq is { } seq && !batches.TryGetValue(seq, out batch))
            {
                batch = await payouts.GetBatchAsync(seq, cancellationToken);
                batches[seq] = batch;
            }

            views.Add(await ViewAsync(payout, batch, head, currencies, cancellationToken));
        }

        return TypedResults.Ok(new PayoutsResponse(views));
    }

    public static async ValueTask<PayoutResponse> ViewAsync(Payout payout, IPayoutStore payouts, ChainConnection chain, CurrencyDirectory currencies, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(payout);
        ArgumentNullException.ThrowIfNull(payouts);
        var batch = payout.BatchSeq is { } seq ? await payouts.GetBatchAsync(seq, cancellationToken) : null;
        return await ViewAsync(payout, batch, await HeadAsync(chain, cancellationToken), currencies, cancellationToken);
    }

    public static string StatusName(PayoutStatus status) => status switch
    {
        PayoutStatus.Pending => "pending",
        PayoutStatus.Submitted => "submitted",
        PayoutStatus.Confirmed => "confirmed",
        _ => "failed",
    };

    /// <param name="batch">The payout's batch, read by the caller (null while it is in none).</param>
    private static async ValueTask<PayoutResponse> ViewAsync(Payout payout, PayoutBatch? batch, ulong? head, CurrencyDirectory currencies, CancellationToken cancellationToken)
    {

        // A failed payout's batch may have been replaced or reverted: its transaction paid nothing of this payout.
        var block = payout.Status == PayoutStatus.Failed ? null : batch?.BlockNumber;
        ulong? confirmations = block is { } included && head is { } latest && latest >= included ? latest - included + 1 : null;
        return new PayoutResponse(
            WireFormat.Id(payout.Id),
            StatusName(payout.Status),
            payout.FailureReason,
            WireFormat.Id(payout.AccountId),
            WireFormat.Amount(payout.Amount),
            await currencies.NameLedgerAsync(payout.Ledger, cancellationToken),
            payout.Rail == PayoutRail.Erc20 ? Erc20Rail : BitcoinRail,
            Address.FromBytes(payout.Destination).ToString(),
            WireFormat.Amount(payout.TokenAmount),
            WireFormat.Id(payout.HoldTransferId),
            WireFormat.Id(payout.ClearingAccountId),
            payout.BatchSeq,
            batch?.TxHash is { } hash ? HexText.Of(hash) : null,
            block,
            confirmations,
            WireFormat.Timestamp(payout.CreatedAt),
            WireFormat.Timestamp(payout.UpdatedAt));
    }

    /// <summary>The chain's latest block, or null without a chain or when it does not answer (confirmations are then unknown).</summary>
    private static async ValueTask<ulong?> HeadAsync(ChainConnection chain, CancellationToken cancellationToken)
    {
        if (chain.Session is not { } session)
        {
            return null;
        }

        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(2));
            return await session.Eth.GetBlockNumberAsync(timeout.Token);
        }
        catch (Exception exception) when (exception is HttpRequestException or TimeoutException or OperationCanceledException or JsonRpcException or RpcTransportException && !cancellationToken.IsCancellationRequested)
        {
            return null;
        }
    }

    /// <summary>True when the account exists and its owner's KYC is not verified (an unknown account is the processor's to answer).</summary>
    private static async ValueTask<bool> OwnerKycPendingAsync(UInt128 accountId, ILedgerStore store, IDirectoryStore directory, CancellationToken cancellationToken) =>
        await store.GetAccountAsync(accountId, cancellationToken) is { } account
        && await directory.GetParticipantAsync(account.UserData128, cancellationToken) is { } owner
        && owner.KycStatus != KycStatus.Verified;
}

using System.Globalization;
using System.Security.Claims;
using Ledger.Api.Contracts;
using Ledger.Api.Hosting;
using Ledger.Api.Security;
using Ledger.Api.Wire;
using Ledger.Core.Settlement;
using Ledger.Core.Storage;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Ledger.Api.Endpoints;

/// <summary>
/// Settlement batches: every role may list them; the operator and auditors see every net position, a
/// bank or merchant only its own.
/// </summary>
public static class SettlementEndpoints
{
    public static RouteGroupBuilder MapSettlements(this RouteGroupBuilder v1)
    {
        ArgumentNullException.ThrowIfNull(v1);
        var group = v1.MapGroup("/settlements").WithTags("Settlement");
        group.MapGet(string.Empty, ListAsync)
            .WithName("ListSettlements")
            .WithSummary("Settlement batches after a sequence number, oldest first (limit 1 to 1000, default 100).")
            .ProducesProblem(StatusCodes.Status400BadRequest);
        group.MapGet("/{seq}", GetAsync)
            .WithName("GetSettlement")
            .WithSummary("One settlement batch: its log range, tree head, net positions and anchor.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        return group;
    }

    public static async Task<Results<Ok<SettlementListResponse>, ProblemHttpResult>> ListAsync(
        HttpRequest request, ClaimsPrincipal user, ILedgerStore store, CurrencyDirectory currencies, CancellationToken cancellationToken)
    {
        var caller = Caller.From(user);
        if (QueryNumbers.Read(request, "after", 0, ulong.MaxValue, 0, out var after) is { } badAfter)
        {
            return badAfter;
        }

        if (QueryNumbers.Read(request, "limit", 1, (ulong)SettlementLimits.SettlementsPageMax, 100, out var limit) is { } badLimit)
        {
            return badLimit;
        }

        var batches = await Settlements(store).ListSettlementsAsync(after, (int)limit, cancellationToken);
        var views = new List<SettlementResponse>(batches.Count);
        foreach (var batch in batches)
        {
            views.Add(await ViewAsync(batch, caller, currencies, cancellationToken));
        }

        ulong? next = batches.Count == (int)limit ? batches[^1].Seq : null;
        return TypedResults.Ok(new SettlementListResponse(views, next));
    }

    public static async Task<Results<Ok<SettlementResponse>, ProblemHttpResult>> GetAsync(
        string seq, ClaimsPrincipal user, ILedgerStore store, CurrencyDirectory currencies, CancellationToken cancellationToken)
    {
        if (!ulong.TryParse(seq, NumberStyles.None, CultureInfo.InvariantCulture, out var number) || number == 0)
        {
            return Problems.BadRequest("invalid_seq", "The sequence number in the path must be a whole number from 1.");
        }

        var batch = await Settlements(store).GetSettlementAsync(number, cancellationToken);
        return batch is null
            ? Problems.NotFound($"There is no settlement batch {number}.")
            : TypedResults.Ok(await ViewAsync(batch, Caller.From(user), currencies, cancellationToken));
    }

    public static async ValueTask<SettlementResponse> ViewAsync(SettlementBatch batch, Caller caller, CurrencyDirectory currencies, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(currencies);
        var positions = new List<NetPositionResponse>();
        foreach (var position in batch.NetPositions)
        {
            if (Access.MayRead(caller, position.ParticipantId))
            {
                positions.Add(new NetPositionResponse(
                    WireFormat.Id(position.ParticipantId),
                    await currencies.NameLedgerAsync(position.Ledger, cancellationToken),
                    position.Net.ToString(CultureInfo.InvariantCulture)));
            }
        }

        var anchor = batch.Anchor;
        return new SettlementResponse(
            batch.Seq,
            batch.FirstLogIndex,
            batch.TreeSize,
            HexText.Of(batch.Root),
            batch.ClosedAt.UtcDateTime.ToString("O", CultureInfo.InvariantCulture),
            positions,
            new AnchorResponse(
                anchor.Status.ToString().ToLowerInvariant(),
                anchor.TxHash is null ? null : HexText.Of(anchor.TxHash),
                anchor.IsOnChain ? anchor.BlockNumber : null,
                anchor.IsOnChain ? anchor.ChainSeq : null));
    }

    internal static ISettlementStore Settlements(ILedgerStore store) =>
        store as ISettlementStore ?? throw new InvalidOperationException($"The store {store.GetType().Name} keeps no settlements.");
}

using System.Security.Claims;
using Ledger.Api.Chain;
using Ledger.Api.Contracts;
using Ledger.Api.Hosting;
using Ledger.Api.Security;
using Ledger.Api.Wire;
using Ledger.Core.Codec;
using Ledger.Core.Directory;
using Ledger.Core.Merkle;
using Ledger.Core.Storage;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Ledger.Api.Endpoints;

/// <summary>
/// What an auditor checks against the chain (PROOFS.md): a transfer's inclusion proof once its batch is
/// anchored, consistency proofs between tree sizes, and the raw records for a full replay. Reads only.
/// </summary>
public static class ProofEndpoints
{
    /// <summary>The most records one page of <c>/v1/log/records</c> returns.</summary>
    public const int LogRecordsPageMax = 10_000;

    public static RouteGroupBuilder MapProofs(this RouteGroupBuilder v1)
    {
        ArgumentNullException.ThrowIfNull(v1);
        v1.MapGet("/proofs/transfers/{id}", TransferProofAsync)
            .WithTags("Proofs")
            .WithName("GetTransferProof")
            .WithSummary("The transfer's 128-byte record, leaf hash, audit path, the tree head of its batch and the anchor holding it. 404 until the batch is anchored.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        v1.MapGet("/proofs/consistency", ConsistencyAsync)
            .WithTags("Proofs")
            .WithName("GetConsistencyProof")
            .WithSummary("The RFC 9162 consistency proof between two tree sizes of the log.")
            .ProducesProblem(StatusCodes.Status400BadRequest);
        v1.MapGet("/log/records", RecordsAsync)
            .WithTags("Proofs")
            .WithName("GetLogRecords")
            .WithSummary("The raw 128-byte records of the log in hex, from an index, for a full replay. Operator and auditors.")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status403Forbidden);
        return v1;
    }

    public static async Task<Results<Ok<TransferProofResponse>, ProblemHttpResult>> TransferProofAsync(
        string id, ClaimsPrincipal user, ILedgerStore store, CurrencyDirectory currencies, ChainConnection chain, TimeProvider clock, CancellationToken cancellationToken)
    {
        var caller = Caller.From(user);
        if (WireFormat.ParseId(id, "The transfer id in the path", out var transferId) is { } badId)
        {
            return badId;
        }

        var stored = await store.GetTransferAsync(transferId, cancellationToken);
        if (stored is null)
        {
            return Problems.NotFound($"There is no transfer with id {id}.");
        }

        if (!await TransferEndpoints.MayReadAsync(caller, stored.Value.Transfer, store, cancellationToken))
        {
            return Problems.Forbidden("forbidden", "Only the operator, auditors and the owners of the transfer's accounts may read its proof.");
        }

        var batch = await SettlementEndpoints.Settlements(store).FindSettlementOfLogIndexAsync(stored.Value.LogIndex, cancellationToken);
        if (batch is null || !batch.Anchor.IsOnChain || batch.Anchor.TxHash is null || batch.Anchor.BlockNumber is null)
        {
            return Problems.Create(StatusCodes.Status404NotFound, "not_anchored", "The transfer's settlement batch is not anchored yet; its proof exists once the anchor is in a block.");
        }

        if (chain.Info is not { } info)
        {
            return Problems.Unavailable("chain_not_configured", "The batch is anchored, but this node is not connected to the chain to name the contract.");
        }

        var (leafHash, path) = await new MerkleLog(MerkleStore(store)).GetInclusionProofAsync(stored.Value.LogIndex, batch.TreeSize, cancellationToken);
        var record = new byte[TransferRecord.Size];
        TransferRecord.Encode(stored.Value.Transfer, record);
        var view = await TransferEndpoints.ViewAsync(stored.Value, WireFormat.Nanoseconds(clock.GetUtcNow()), currencies, cancellationToken);
        return TypedResults.Ok(new TransferProofResponse(
            view with { SettlementSeq = batch.Seq },
            HexText.Of(record),
            stored.Value.LogIndex,
            HexText.Of(leafHash),
            batch.TreeSize,
            HexText.Of(batch.Root),
            [.. path.Select(static h => HexText.Of(h))],
            new ProofAnchorResponse(info.ChainId, info.Contracts.Anchor, batch.Anchor.ChainSeq ?? batch.Seq, HexText.Of(batch.Anchor.TxHash), batch.Anchor.BlockNumber.Value)));
    }

    public static async Task<Results<Ok<ConsistencyProofResponse>, ProblemHttpResult>> ConsistencyAsync(
        HttpRequest request, ILedgerStore store, CancellationToken cancellationToken)
    {
        if (QueryNumbers.Read(request, "from", 1, ulong.MaxValue, 0, out var from) is { } badFrom)
        {
            return badFrom;
        }

        if (QueryNumbers.Read(request, "to", 1, ulong.MaxValue, 0, out var to) is { } badTo)
        {
            return badTo;
        }

        if (from == 0 || to == 0)
        {
            return Problems.BadRequest("missing_size", "from and to are both required: tree sizes from 1.");
        }

        // The log's size is read only once the query is well formed.
        var merkle = MerkleStore(store);
        var head = await merkle.GetHeadAsync(cancellationToken);
        if (from > to || to > head.LogSize)
        {
            return Problems.BadRequest("invalid_range", $"Sizes must satisfy 1 <= from <= to <= {head.LogSize} (the log's size now).");
        }

        var proof = from == to ? [] : await new MerkleLog(merkle).GetConsistencyProofAsync(from, to, cancellationToken);
        return TypedResults.Ok(new ConsistencyProofResponse(from, to, [.. proof.Select(static h => HexText.Of(h))]));
    }

    public static async Task<Results<Ok<LogRecordsResponse>, ProblemHttpResult>> RecordsAsync(
        HttpRequest request, ClaimsPrincipal user, ILedgerStore store, CancellationToken cancellationToken)
    {
        if (Access.RequireRole(Caller.From(user), ParticipantRole.Operator, ParticipantRole.Auditor) is { } denied)
        {
            return denied;
        }

        if (QueryNumbers.Read(request, "from", 0, ulong.MaxValue, 0, out var from) is { } badFrom)
        {
            return badFrom;
        }

        if (QueryNumbers.Read(request, "limit", 1, LogRecordsPageMax, 1000, out var limit) is { } badLimit)
        {
            return badLimit;
        }

        var merkle = MerkleStore(store);
        var records = new List<LogRecordResponse>((int)limit);
        var next = from;
        while (records.Count < (int)limit)
        {
            var page = await merkle.GetLogRecordsAsync(next, Math.Min((int)limit - records.Count, IMerkleLogStore.LogRecordsPageMax), cancellationToken);
            foreach (var (index, record) in page)
            {
                records.Add(new LogRecordResponse(index, HexText.Of(record)));
                next = index + 1;
            }

            if (page.Count == 0)
            {
                break;
            }
        }

        var head = await merkle.GetHeadAsync(cancellationToken);
        return TypedResults.Ok(new LogRecordsResponse(records, next < head.LogSize ? next : null));
    }

    private static IMerkleLogStore MerkleStore(ILedgerStore store) =>
        store as IMerkleLogStore ?? throw new InvalidOperationException($"The store {store.GetType().Name} keeps no Merkle log.");
}

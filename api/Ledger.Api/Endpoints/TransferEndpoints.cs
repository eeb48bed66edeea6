using System.Security.Claims;
using System.Text.Json;
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

public static class TransferEndpoints
{
    public static RouteGroupBuilder MapTransfers(this RouteGroupBuilder v1)
    {
        ArgumentNullException.ThrowIfNull(v1);
        var group = v1.MapGroup("/transfers").WithTags("Transfers");
        group.MapPost(string.Empty, CreateAsync)
            .WithName("CreateTransfers")
            .WithSummary("Commits a batch of 1 to 8,189 transfer events and returns one result per event, in order. A malformed batch commits nothing.")
            .Accepts<CreateTransfersBody>("application/json")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        group.MapGet("/{id}", GetAsync)
            .WithName("GetTransfer")
            .WithSummary("A committed transfer with its log index. Visible to the operator, auditors and the owners of either account.")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound);
        return group;
    }

    public static async Task<Results<Ok<CreateTransfersResponse>, ProblemHttpResult>> CreateAsync(
        HttpRequest request, ClaimsPrincipal user, LedgerEngine engine, CurrencyDirectory currencies, CancellationToken cancellationToken)
    {
        var caller = Caller.From(user);
        if (Access.RequireRole(caller, ParticipantRole.Operator, ParticipantRole.Bank, ParticipantRole.Merchant) is { } denied)
        {
            return denied;
        }

        if (caller.KycStatus != KycStatus.Verified)
        {
            return Problems.Forbidden("kyc_pending", "The caller's KYC is pending; it may not send transfers until it is verified.");
        }

        var read = await JsonBody.ReadAsync<CreateTransfersBody>(request, CheckBatchSize);
        if (read.Problem is { } bad)
        {
            return bad;
        }

        var events = read.Value!.Transfers;
        var transfers = new Transfer[events.Count];
        for (var i = 0; i < events.Count; i++)
        {
            var (transfer, problem) = await ConvertAsync(events[i], $"transfers[{i}]", currencies, cancellationToken);
            if (problem is not null)
            {
                return problem;
            }

            transfers[i] = transfer;
        }

        var principal = caller.IsOperator ? UInt128.Zero : caller.Id;
        var outcome = await engine.CreateTransfersAsync(transfers, principal, cancellationToken);
        if (outcome.Forbidden)
        {
            return Problems.Forbidden(
                "forbidden",
                $"transfers[{outcome.ForbiddenIndex}] debits an account the caller does not own (or resolves a pending transfer that does); nothing of the batch was committed.");
        }

        var results = new TransferResultResponse[outcome.Results.Count];
        foreach (var result in outcome.Results)
        {
            var committed = result.Result is CreateTransferResult.Created or CreateTransferResult.Exists;
            results[result.Index] = new TransferResultResponse(
                result.Index,
                WireFormat.Id(result.Id),
                result.Result.Name(),
                committed ? WireFormat.Integer(result.Timestamp) : null);
        }

        return TypedResults.Ok(new CreateTransfersResponse(results));
    }

    public static async Task<Results<Ok<TransferResponse>, ProblemHttpResult>> GetAsync(
        string id, ClaimsPrincipal user, ILedgerStore store, CurrencyDirectory currencies, TimeProvider clock, CancellationToken cancellationToken)
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

        if (!await MayReadAsync(caller, stored.Value.Transfer, store, cancellationToken))
        {
            return Problems.Forbidden("forbidden", "Only the operator, auditors and the owners of the transfer's accounts may read it.");
        }

        var view = await ViewAsync(stored.Value, WireFormat.Nanoseconds(clock.GetUtcNow()), currencies, cancellationToken);
        var batch = store is ISettlementStore settlements ? await settlements.FindSettlementOfLogIndexAsync(stored.Value.LogIndex, cancellationToken) : null;
        return TypedResults.Ok(view with { SettlementSeq = batch?.Seq });
    }

    /// <summary>The operator and auditors read every transfer; others only those touching an account they own.</summary>
    public static async ValueTask<bool> MayReadAsync(Caller caller, Transfer transfer, ILedgerStore store, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(store);
        if (caller.ReadsEverything)
        {
            return true;
        }

        var debit = await store.GetAccountAsync(transfer.DebitAccountId, cancellationToken);
        var credit = await store.GetAccountAsync(transfer.CreditAccountId, cancellationToken);
        return Access.MayRead(caller, debit?.UserData128 ?? UInt128.Zero, credit?.UserData128 ?? UInt128.Zero);
    }

    public static async ValueTask<TransferResponse> ViewAsync(StoredTransfer stored, ulong nowNanoseconds, CurrencyDirectory currencies, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(currencies);
        var t = stored.Transfer;
        PendingStatus? status = null;
        string? expiresAt = null;
        if (stored.Pending is { } pending)
        {
            status = pending.StatusAt(nowNanoseconds);
            expiresAt = pending.ExpiresAt == 0 ? null : WireFormat.Timestamp(pending.ExpiresAt);
        }

        return new TransferResponse(
            WireFormat.Id(t.Id),
            WireFormat.Id(t.DebitAccountId),
            WireFormat.Id(t.CreditAccountId),
            WireFormat.Amount(t.Amount),
            await currencies.NameLedgerAsync(t.Ledger, cancellationToken),
            t.Code,
            WireEnums.Names(t.Flags),
            WireFormat.OptionalId(t.PendingId),
            t.TimeoutSeconds,
            WireFormat.OptionalId(t.UserData128),
            WireFormat.Integer(t.UserData64),
            t.UserData32,
            WireFormat.Timestamp(t.Timestamp),
            WireFormat.Integer(t.Timestamp),
            stored.LogIndex,
            SettlementSeq: null,
            status,
            expiresAt);
    }

    /// <summary>Counts the events before anything else is checked: an oversized batch is 413 whatever it holds.</summary>
    private static ProblemHttpResult? CheckBatchSize(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("transfers", out var events) || events.ValueKind != JsonValueKind.Array)
        {
            // The shape check explains what is wrong.
            return null;
        }

        var count = events.GetArrayLength();
        if (count == 0)
        {
            return Problems.BadRequest("empty_batch", "transfers must hold at least one event.");
        }

        if (count > LedgerLimits.EventsPerBatchMax)
        {
            return Problems.Create(
                StatusCodes.Status413PayloadTooLarge,
                "batch_too_large",
                $"transfers holds {count} events; a batch holds at most {LedgerLimits.EventsPerBatchMax}.");
        }

        return null;
    }

    /// <summary>Turns one event into a ledger transfer, or says what is wrong with it.</summary>
    private static async ValueTask<(Transfer Transfer, ProblemHttpResult? Problem)> ConvertAsync(TransferBody body, string path, CurrencyDirectory currencies, CancellationToken cancellationToken)
    {
        var flags = TransferFlags.None;
        foreach (var name in body.Flags ?? [])
        {
            var flag = WireEnums.ToFlags(name);
            if ((flags & flag) != 0)
            {
                return (default, Problems.BadRequest("invalid_flags", $"{path}.flags names a flag more than once."));
            }

            flags |= flag;
        }

        // Posting or voiding takes the accounts, ledger and code from the pending transfer, so they may
        // be left out; omitting the amount means the whole pending amount. A balancing transfer without
        // an amount moves as much as the balance allows.
        var resolving = (flags & (TransferFlags.PostPending | TransferFlags.VoidPending)) != 0;
        var balancing = (flags & (TransferFlags.BalancingDebit | TransferFlags.BalancingCredit)) != 0;

        if (WireFormat.ParseId(body.Id, $"{path}.id", out var id) is { } badId)
        {
            return (default, badId);
        }

        var (debit, debitProblem) = OptionalId(body.DebitAccountId, $"{path}.debit_account_id", required: !resolving);
        if (debitProblem is not null)
        {
            return (default, debitProblem);
        }

        var (credit, creditProblem) = OptionalId(body.CreditAccountId, $"{path}.credit_account_id", required: !resolving);
        if (creditProblem is not null)
        {
            return (default, creditProblem);
        }

        var amount = Transfer.AmountMax;
        if (body.Amount is null)
        {
            if (!resolving && !balancing)
            {
                return (default, Problems.BadRequest("missing_field", $"{path}.amount is required."));
            }
        }
        else if (!WireFormat.TryParseAmount(body.Amount, out amount))
        {
            return (default, Problems.BadRequest(
                "invalid_amount",
                $"{path}.amount is '{body.Amount}'; it must be a string of decimal digits (no sign, point or exponent) at most 2^128-1."));
        }

        uint ledger = 0;
        if (body.Currency is null)
        {
            if (!resolving)
            {
                return (default, Problems.BadRequest("missing_field", $"{path}.currency is required."));
            }
        }
        else
        {
            var currency = await currencies.FindByCodeAsync(body.Currency, cancellationToken);
            if (currency is null)
            {
                return (default, Problems.BadRequest("unknown_currency", $"{path}.currency is '{body.Currency}', which is not a currency of this ledger."));
            }

            ledger = currency.Ledger;
        }

        ushort code = 0;
        if (body.Code is null)
        {
            if (!resolving)
            {
                return (default, Problems.BadRequest("missing_field", $"{path}.code is required."));
            }
        }
        else if (body.Code is < 1 or > ushort.MaxValue)
        {
            return (default, Problems.BadRequest("invalid_code", $"{path}.code is {body.Code}; it must be from 1 to {ushort.MaxValue}."));
        }
        else
        {
            code = (ushort)body.Code.Value;
        }

        var (pendingId, pendingProblem) = OptionalId(body.PendingId, $"{path}.pending_id", required: false);
        if (pendingProblem is not null)
        {
            return (default, pendingProblem);
        }

        var (reference, referenceProblem) = OptionalId(body.Reference, $"{path}.reference", required: false);
        if (referenceProblem is not null)
        {
            return (default, referenceProblem);
        }

        ulong userData64 = 0;
        if (body.UserData64 is not null && !WireFormat.TryParseUInt64(body.UserData64, out userData64))
        {
            return (default, Problems.BadRequest("invalid_user_data", $"{path}.user_data_64 must be a string of decimal digits at most 2^64-1."));
        }

        var transfer = new Transfer
        {
            Id = id,
            DebitAccountId = debit,
            CreditAccountId = credit,
            Amount = amount,
            PendingId = pendingId,
            UserData128 = reference,
            UserData64 = userData64,
            UserData32 = body.UserData32 ?? 0,
            TimeoutSeconds = body.TimeoutSeconds ?? 0,
            Ledger = ledger,
            Code = code,
            Flags = flags,
        };
        return (transfer, null);
    }

    private static (UInt128 Id, ProblemHttpResult? Problem) OptionalId(string? text, string field, bool required)
    {
        if (text is null)
        {
            return required ? (UInt128.Zero, Problems.BadRequest("missing_field", $"{field} is required.")) : (UInt128.Zero, null);
        }

        var problem = WireFormat.ParseId(text, field, out var id);
        return (id, problem);
    }
}

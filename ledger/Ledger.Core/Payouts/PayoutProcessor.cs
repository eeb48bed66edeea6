using Ledger.Core.Directory;
using Ledger.Core.Domain;
using Ledger.Core.Storage;
using Ledger.Core.Tokens;

namespace Ledger.Core.Payouts;

/// <summary>
/// Accepts payout requests (POST /v1/payouts): checks them, records the payout (Pending) and holds its
/// amount with a pending transfer from the merchant's payable account to the operator's payout clearing
/// account. The silo then batches pending payouts on chain and posts or voids each hold through
/// <see cref="PayoutLedger"/>; this class only starts that life and reads it back.
/// </summary>
/// <remarks>
/// The store records what was asked; the ledger records what is held. A payout is recorded first, then its
/// hold is committed under an id derived from the payout id (<see cref="PayoutLegs.HoldId"/>), so a crash in
/// between leaves a Pending payout without a hold, which a retry of the request commits at once and the
/// silo commits after its grace (<see cref="PayoutLedger.EnsureHoldAsync"/>); committing it twice answers
/// <c>exists</c>. The ledger may refuse the hold for one pipeline and accept it for the other (the funds
/// arrived in between): the refusal fails the payout, and whoever finds a Failed payout with its hold
/// pending voids that hold. Both steps are atomic, so one of the two pipelines sees the other and a Failed
/// payout never keeps funds held.
/// </remarks>
public sealed class PayoutProcessor(IPayoutStore payouts, ILedgerStore ledger, PayoutLedger holds, TimeProvider clock)
{
    /// <summary>Account code merchant_payable (API.md): the only accounts payouts are paid from.</summary>
    public const ushort MerchantPayableCode = 4;

    /// <summary>An address on the erc20 rail.</summary>
    public const int DestinationBytes = 20;

    /// <summary>The most payouts one <see cref="ListAsync"/> answers (the stores' page limit).</summary>
    public const int ListMax = 1000;

    public PayoutRequestMetrics Metrics { get; } = new();

    /// <summary>
    /// Checks the request, records the payout (Pending, owned by the account's owner) and holds its amount.
    /// Every check that fails changes nothing. The same request again (same account, amount, currency, rail
    /// and destination, from the account's owner or the operator) answers the stored payout with
    /// <c>Created</c> false and changes nothing, except that it finishes what a crash left undone: it commits
    /// the hold of a payout still Pending without one, and voids the pending hold of a Failed payout. The
    /// same id with anything else is <see cref="PayoutError.PayoutExists"/>.
    /// </summary>
    /// <remarks>
    /// A hold the ledger refuses fails the payout (nothing is held) and answers
    /// <see cref="PayoutError.InsufficientFunds"/> for exceeds_credits, otherwise
    /// <see cref="PayoutError.LedgerRefused"/>, with the result name in <see cref="PayoutOutcome.LedgerResult"/>
    /// and the Failed payout. A retry of a refused request answers the same refusal again, with the Failed
    /// payout and <c>Created</c> false: the id is spent, and paying out once the funds are there takes a new
    /// id. The same holds when the silo failed the payout first (its hold refused after the grace) and this
    /// request's hold, accepted later, is voided.
    /// </remarks>
    /// <param name="railCurrencyCode">The currency the rail pays out (USDC on the erc20 rail).</param>
    /// <param name="tokenDecimals">The rail token's decimals, for the exact conversion of the amount.</param>
    /// <param name="callerIsOperator">The operator may pay out from anyone's account; anyone else only from their own.</param>
    public async Task<PayoutOutcome> CreateAsync(
        PayoutRequest request,
        Currency currency,
        string railCurrencyCode,
        byte tokenDecimals,
        UInt128 callerId,
        bool callerIsOperator,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(currency);
        ArgumentNullException.ThrowIfNull(railCurrencyCode);
        if (request.Destination is not { Length: DestinationBytes } destination || !destination.AsSpan().ContainsAnyExcept((byte)0))
        {
            // The API parses and checks addresses; a bad one here is a bug in the caller, not a request to refuse.
            throw new ArgumentException($"A payout's destination is a {DestinationBytes}-byte address other than zero.", nameof(request));
        }

        Metrics.Request();

        // A retry answers what was recorded, even where a check would now refuse (the balance spent, the
        // address denied since): the payout was accepted then, and its fate is the silo's.
        if (await payouts.GetPayoutAsync(request.Id, cancellationToken) is { } existing)
        {
            return await ReplayAsync(existing, request, currency, callerId, callerIsOperator, cancellationToken);
        }

        if (request.Rail != PayoutRail.Erc20)
        {
            return RefuseByRule(PayoutError.RailNotSupported);
        }

        if (!string.Equals(currency.Code, railCurrencyCode, StringComparison.Ordinal))
        {
            return RefuseByRule(PayoutError.CurrencyNotSupported);
        }

        if (request.Amount == UInt128.Zero)
        {
            return RefuseByRule(PayoutError.AmountNotPositive);
        }

        if (TokenUnits.FromLedger(request.Amount, currency.Scale, tokenDecimals) is not { } tokenAmount)
        {
            return RefuseByRule(PayoutError.AmountNotRepresentable);
        }

        if (await ledger.GetAccountAsync(request.AccountId, cancellationToken) is not { } account)
        {
            return RefuseByRule(PayoutError.AccountNotFound);
        }

        // Someone else's account answers NotAccountOwner (not AccountNotFound), as PaymentProcessor does.
        if (!callerIsOperator && account.UserData128 != callerId)
        {
            return RefuseByRule(PayoutError.NotAccountOwner);
        }

        if (account.Ledger != currency.Ledger)
        {
            return RefuseByRule(PayoutError.CurrencyMismatch);
        }

        // A payout must never overdraw: only an account the ledger keeps at or above zero may be paid from.
        // A closed one could only have its hold refused.
        if (account.Code != MerchantPayableCode
            || !account.Flags.HasFlag(AccountFlags.DebitsMustNotExceedCredits)
            || account.Flags.HasFlag(AccountFlags.Closed))
        {
            return RefuseByRule(PayoutError.AccountNotPayable);
        }

        if (await payouts.FindDeniedAddressAsync(destination, cancellationToken) is not null)
        {
            return RefuseByRule(PayoutError.DestinationDenied);
        }

        await holds.EnsureClearingAccountAsync(currency.Ledger, cancellationToken);
        var now = clock.GetUtcNow();
        var payout = new Payout(
            request.Id,
            account.UserData128,
            request.AccountId,
            OperatorAccounts.PayoutClearingId(currency.Ledger),
            currency.Ledger,
            request.Amount,
            tokenAmount,
            request.Rail,
            [.. destination],
            PayoutLegs.HoldId(request.Id),
            PayoutStatus.Pending,
            null,
            null,
            now,
            now);
        var (creation, stored) = await payouts.TryAddPayoutAsync(payout, cancellationToken);
        if (creation == PayoutCreation.Exists)
        {
            // A concurrent copy of the request (or another request with this id) recorded it since the read above.
            return await ReplayAsync(stored, request, currency, callerId, callerIsOperator, cancellationToken);
        }

        var outcome = Answer(await HoldAsync(stored, cancellationToken), created: true);
        if (outcome.Error == PayoutError.None)
        {
            Metrics.Create();
        }
        else
        {
            Metrics.RefuseByLedger();
        }

        return outcome;
    }

    /// <summary>
    /// The payout, for its participant (the owner of the account paid from), the operator and auditors;
    /// anyone else is told <see cref="PayoutError.PayoutNotFound"/>, so ids do not leak.
    /// </summary>
    public async Task<PayoutOutcome> GetAsync(UInt128 id, UInt128 callerId, bool callerIsOperator, bool callerIsAuditor, CancellationToken cancellationToken)
    {
        var payout = await payouts.GetPayoutAsync(id, cancellationToken);
        if (payout is null || !(callerIsOperator || callerIsAuditor || payout.ParticipantId == callerId))
        {
            return PayoutOutcome.Fail(PayoutError.PayoutNotFound);
        }

        return new PayoutOutcome(PayoutError.None, payout, Created: false, null);
    }

    /// <summary>
    /// Payouts newest first, at most <paramref name="limit"/> (1 to <see cref="ListMax"/>): everyone's for
    /// the operator and auditors, the caller's own for anyone else.
    /// </summary>
    public async Task<IReadOnlyList<Payout>> ListAsync(UInt128 callerId, bool callerIsOperator, bool callerIsAuditor, int limit, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(limit, ListMax);
        return await payouts.ListPayoutsAsync(callerIsOperator || callerIsAuditor ? null : callerId, limit, cancellationToken);
    }

    private async Task<PayoutOutcome> ReplayAsync(
        Payout existing, PayoutRequest request, Currency currency, UInt128 callerId, bool callerIsOperator, CancellationToken cancellationToken)
    {
        var same = existing.AccountId == request.AccountId
            && existing.Amount == request.Amount
            && existing.Rail == request.Rail
            && existing.Ledger == currency.Ledger
            && existing.Destination.AsSpan().SequenceEqual(request.Destination)
            && (callerIsOperator || existing.ParticipantId == callerId);
        if (!same)
        {
            return RefuseByRule(PayoutError.PayoutExists);
        }

        Metrics.Replay();
        var payout = existing;
        if (existing.Status == PayoutStatus.Pending
            && await ledger.GetTransferAsync(PayoutLegs.HoldId(existing.Id), cancellationToken) is null)
        {
            // Recorded, but its hold is missing: the request that recorded it crashed, or is still on its way
            // (a concurrent copy). Committing again is harmless: the hold's id is derived from the payout's.
            payout = await HoldAsync(existing, cancellationToken);
        }
        else if (existing.Status == PayoutStatus.Failed && await holds.IsHeldAsync(existing.Id, cancellationToken))
        {
            // A crash between failing the payout and voiding a hold the other pipeline committed.
            payout = await VoidIfFailedAsync(existing.Id, cancellationToken);
        }

        return Answer(payout, created: false);
    }

    /// <summary>
    /// Commits the payout's hold (a refusal fails the payout, in <see cref="PayoutLedger.CommitHoldAsync"/>)
    /// and returns the payout as stored after, holding nothing when it is Failed.
    /// </summary>
    private async Task<Payout> HoldAsync(Payout payout, CancellationToken cancellationToken)
    {
        // Refused here, the payout may still go ahead: the silo committed the hold after its grace (the funds
        // arrived in between) and batched the payout before the refusal could fail it. The stored status decides.
        await holds.CommitHoldAsync(payout, cancellationToken);
        return await VoidIfFailedAsync(payout.Id, cancellationToken);
    }

    /// <summary>
    /// Reads the payout back and, when it is Failed with its hold pending, voids the hold: the payout was
    /// failed by the other pipeline's refusal (the silo after its grace, or a concurrent copy of the request)
    /// while this one's hold was accepted.
    /// </summary>
    private async Task<Payout> VoidIfFailedAsync(UInt128 id, CancellationToken cancellationToken)
    {
        var payout = await payouts.GetPayoutAsync(id, cancellationToken)
            ?? throw new InvalidOperationException($"Payout {id} is recorded but cannot be read; payouts are never deleted.");
        if (payout.Status == PayoutStatus.Failed && await holds.IsHeldAsync(id, cancellationToken))
        {
            await holds.ResolveAsync(id, paid: false, cancellationToken);
        }

        return payout;
    }

    /// <summary>
    /// The failure reason the silo records when a pending payout's destination was denied after the request
    /// (the payout pipeline re-checks the deny list when it gathers a batch).
    /// </summary>
    public const string DeniedReason = "destination_denied";

    /// <summary>
    /// The answer for a recorded payout: a Failed one in no batch was failed because the ledger refused its
    /// hold, or because the silo found its destination denied (<see cref="DeniedReason"/>), and answers that
    /// refusal; any other, no error.
    /// </summary>
    private static PayoutOutcome Answer(Payout payout, bool created)
    {
        if (payout.Status != PayoutStatus.Failed || payout.BatchSeq is not null)
        {
            return new PayoutOutcome(PayoutError.None, payout, created, null);
        }

        var reason = payout.FailureReason
            ?? throw new InvalidOperationException($"Payout {payout.Id} is Failed without a reason; the store records one with every failure.");
        var error = reason switch
        {
            DeniedReason => PayoutError.DestinationDenied,
            _ when reason == CreateTransferResult.ExceedsCredits.Name() => PayoutError.InsufficientFunds,
            _ => PayoutError.LedgerRefused,
        };
        return new PayoutOutcome(error, payout, created, error == PayoutError.DestinationDenied ? null : reason);
    }

    private PayoutOutcome RefuseByRule(PayoutError error)
    {
        Metrics.RefuseByRule();
        return PayoutOutcome.Fail(error);
    }
}

using Ledger.Core.Commit;
using Ledger.Core.Directory;
using Ledger.Core.Domain;
using Ledger.Core.StateMachine;
using Ledger.Core.Storage;
using Ledger.Core.Tokens;

namespace Ledger.Core.Escrows;

/// <summary>
/// An escrow request as the API hands it over: <paramref name="Payer"/>, <paramref name="Payee"/> and
/// <paramref name="Arbiter"/> are already filled from the funding (the node's address where the treasury
/// is meant). <paramref name="Deadline"/> is kept to the whole second below it.
/// </summary>
public sealed record EscrowRequest(
    UInt128 Id,
    EscrowFunding Funding,
    UInt128 AccountId,
    UInt128 Amount,
    byte[] Payer,
    byte[] Payee,
    byte[] Arbiter,
    DateTimeOffset Deadline,
    EscrowPermit? Permit);

/// <summary>
/// Escrows in the system of record and their ledger mirror: opening one (checks, record, mirror), the
/// silo's check that the mirror is there before it signs an open, the requests for a release or a refund,
/// and the mirror's post or void once the chain has decided.
/// </summary>
/// <remarks>
/// The store records what was asked and what the chain said; the ledger records what is held. An escrow is
/// recorded first (Opening), then its mirror is committed under an id derived from its id, so a crash in
/// between leaves an Opening escrow whose mirror the silo commits after a grace
/// (<see cref="EnsureMirrorAsync"/>), and committing it twice answers <c>exists</c>. Whoever fails an Opening
/// escrow then voids a mirror it finds pending, and whoever commits the mirror then voids it when it finds
/// the escrow Failed: as each step is atomic, one of the two sees the other, so a Failed escrow never keeps
/// funds held.
/// </remarks>
/// <param name="deadlineLeadMin">The least time between now and an escrow's deadline (default <see cref="DefaultDeadlineLeadMin"/>).</param>
public sealed class EscrowProcessor(IEscrowStore escrows, ILedgerStore ledger, LedgerEngine engine, TimeProvider clock, UInt128 operatorId, TimeSpan? deadlineLeadMin = null)
{
    /// <summary>The default least time between now and an escrow's deadline: the open must be final on chain well before anyone may refund.</summary>
    public static readonly TimeSpan DefaultDeadlineLeadMin = TimeSpan.FromSeconds(60);

    /// <summary>The most time between now and an escrow's deadline: funds are never locked for longer than a year.</summary>
    public static readonly TimeSpan DeadlineLeadMax = TimeSpan.FromDays(365);

    /// <summary>The least time between now and an escrow's deadline this processor accepts.</summary>
    public TimeSpan DeadlineLeadMin { get; } = deadlineLeadMin is { } lead && lead > TimeSpan.Zero ? lead : DefaultDeadlineLeadMin;

    /// <summary>
    /// Checks the request, records the escrow (Opening) and commits its mirror. The same request again
    /// answers the stored escrow unchanged (Created false; a refused one with the same refusal); the same id
    /// with anything else is <see cref="EscrowError.EscrowExists"/>. A mirror the ledger refuses fails the
    /// escrow: <see cref="EscrowError.InsufficientFunds"/> for exceeds_credits, otherwise
    /// <see cref="EscrowError.LedgerRefused"/> with the ledger's result name. Every other error changes nothing.
    /// </summary>
    /// <param name="tokenDecimals">The token's decimals, for the exact conversion of the amount.</param>
    public async Task<EscrowOutcome> OpenAsync(
        EscrowRequest request, Currency currency, byte tokenDecimals, UInt128 callerId, bool callerIsOperator, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(currency);
        if (!Enum.IsDefined(request.Funding))
        {
            throw new ArgumentOutOfRangeException(nameof(request), $"Unknown escrow funding {request.Funding}.");
        }

        var deadline = WholeSecond(request.Deadline);
        if (await escrows.GetEscrowAsync(request.Id, cancellationToken) is { } existing)
        {
            return await ReplayAsync(existing, request, currency, deadline, callerId, callerIsOperator, cancellationToken);
        }

        if (request.Amount == UInt128.Zero)
        {
            return EscrowOutcome.Fail(EscrowError.AmountNotPositive);
        }

        if (TokenUnits.FromLedger(request.Amount, currency.Scale, tokenDecimals) is not { } tokenAmount)
        {
            return EscrowOutcome.Fail(EscrowError.AmountNotConvertible);
        }

        var now = clock.GetUtcNow();
        if (deadline < now + DeadlineLeadMin)
        {
            return EscrowOutcome.Fail(EscrowError.DeadlineTooSoon);
        }

        if (deadline > now + DeadlineLeadMax)
        {
            return EscrowOutcome.Fail(EscrowError.DeadlineTooFar);
        }

        if (!IsAddress(request.Payer) || !IsAddress(request.Payee) || !IsAddress(request.Arbiter))
        {
            return EscrowOutcome.Fail(EscrowError.InvalidAddress);
        }

        if (PermitError(request, now) is { } permitError)
        {
            return EscrowOutcome.Fail(permitError);
        }

        var account = await ledger.GetAccountAsync(request.AccountId, cancellationToken);
        if (account is not { } found)
        {
            return EscrowOutcome.Fail(EscrowError.AccountNotFound);
        }

        if (!callerIsOperator && found.UserData128 != callerId)
        {
            return EscrowOutcome.Fail(EscrowError.NotAccountOwner);
        }

        if (found.Ledger != currency.Ledger)
        {
            return EscrowOutcome.Fail(EscrowError.CurrencyMismatch);
        }

        if (request.Funding == EscrowFunding.Treasury && !found.Flags.HasFlag(AccountFlags.DebitsMustNotExceedCredits))
        {
            return EscrowOutcome.Fail(EscrowError.AccountMayOverdraw);
        }

        await EnsureEscrowAccountAsync(currency.Ledger, cancellationToken);
        var escrow = new Escrow(
            request.Id,
            found.UserData128,
            request.Funding,
            request.AccountId,
            OperatorAccounts.EscrowId(currency.Ledger),
            currency.Ledger,
            request.Amount,
            tokenAmount,
            [.. request.Payer],
            [.. request.Payee],
            [.. request.Arbiter],
            deadline,
            request.Permit is { } permit ? permit with { R = [.. permit.R], S = [.. permit.S] } : null,
            EscrowStatus.Opening,
            null,
            null,
            null,
            null,
            null,
            0,
            null,
            null,
            null,
            now,
            now);
        var (creation, stored) = await escrows.TryAddEscrowAsync(escrow, cancellationToken);
        if (creation == EscrowCreation.Exists)
        {
            // A concurrent copy of the request recorded it since the read above.
            return await ReplayAsync(stored, request, currency, deadline, callerId, callerIsOperator, cancellationToken);
        }

        var (refusal, after) = await CommitMirrorAsync(stored, cancellationToken);
        return refusal is null ? new EscrowOutcome(EscrowError.None, after, Created: true, null) : Refused(after, refusal, created: true);
    }

    /// <summary>
    /// For the silo, before it signs an escrow's open: true when the mirror is in the ledger and pending.
    /// A missing mirror of an escrow younger than <paramref name="grace"/> is left to the request that
    /// recorded it (false: wait); an older one is committed now, if the escrow is still Opening, and when the
    /// ledger refuses it the escrow is failed (false).
    /// </summary>
    public async Task<bool> EnsureMirrorAsync(Escrow escrow, TimeSpan grace, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(escrow);
        if (await ledger.GetTransferAsync(EscrowLegs.MirrorId(escrow.Id), cancellationToken) is { } mirror)
        {
            return mirror.Pending is { Status: PendingStatus.Pending };
        }

        if (clock.GetUtcNow() - escrow.CreatedAt < grace)
        {
            return false;
        }

        // Only an escrow still Opening gets its mirror now: a Failed one must hold nothing.
        var current = await ReloadAsync(escrow.Id, cancellationToken);
        if (current.Status != EscrowStatus.Opening)
        {
            return false;
        }

        var (refusal, _) = await CommitMirrorAsync(current, cancellationToken);
        return refusal is null && await IsMirrorPendingAsync(escrow.Id, cancellationToken);
    }

    /// <summary>
    /// Asks for the release of an Open escrow (→ Releasing); the silo sends it. Asked before (Releasing)
    /// or done (Released): the escrow unchanged. Only the owner of the escrow's account or the operator may;
    /// anyone else is told <see cref="EscrowError.NotFound"/>, so ids do not leak.
    /// </summary>
    public Task<EscrowOutcome> RequestReleaseAsync(UInt128 id, UInt128 callerId, bool callerIsOperator, CancellationToken cancellationToken) =>
        RequestAsync(id, EscrowStatus.Releasing, callerId, callerIsOperator, cancellationToken);

    /// <summary>
    /// Asks for the refund of an Open escrow (→ Refunding); the silo sends it. The operator may at any time,
    /// the owner of the escrow's account only once the deadline has passed
    /// (<see cref="EscrowError.DeadlineNotPassed"/>), as the contract lets anyone but the arbiter. Asked
    /// before (Refunding) or done (Refunded): the escrow unchanged. Anyone else: <see cref="EscrowError.NotFound"/>.
    /// </summary>
    public Task<EscrowOutcome> RequestRefundAsync(UInt128 id, UInt128 callerId, bool callerIsOperator, CancellationToken cancellationToken) =>
        RequestAsync(id, EscrowStatus.Refunding, callerId, callerIsOperator, cancellationToken);

    /// <summary>
    /// Posts (released) or voids (refunded, or never opened) the escrow's mirror; a repeat finds it done.
    /// Throws when the ledger holds the opposite outcome already, or no mirror at all: the chain and the
    /// books disagree and nobody may paper over it.
    /// </summary>
    public async Task ResolveMirrorAsync(Escrow escrow, bool post, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(escrow);
        var mirrorId = EscrowLegs.MirrorId(escrow.Id);
        if ((await ledger.GetTransferAsync(mirrorId, cancellationToken))?.Pending is not { } state)
        {
            throw new InvalidOperationException($"Escrow {escrow.Id} has no mirror in the ledger to {(post ? "post" : "void")}.");
        }

        var wanted = post ? PendingStatus.Posted : PendingStatus.Voided;
        if (state.Status == PendingStatus.Pending)
        {
            var outcome = await engine.CreateTransfersAsync([EscrowLegs.Resolve(escrow.Id, post)], UInt128.Zero, cancellationToken);
            AssertNotForbidden(outcome);
            state = (await ledger.GetTransferAsync(mirrorId, cancellationToken))!.Value.Pending!.Value;
        }

        if (state.Status != wanted)
        {
            throw new InvalidOperationException(
                $"Escrow {escrow.Id}: the chain says {(post ? "released" : "not released")}, but its mirror in the ledger is {state.Status}.");
        }
    }

    private async Task<EscrowOutcome> RequestAsync(UInt128 id, EscrowStatus to, UInt128 callerId, bool callerIsOperator, CancellationToken cancellationToken)
    {
        var escrow = await escrows.GetEscrowAsync(id, cancellationToken);
        if (escrow is null || (!callerIsOperator && escrow.ParticipantId != callerId))
        {
            return EscrowOutcome.Fail(EscrowError.NotFound);
        }

        var done = to == EscrowStatus.Releasing ? EscrowStatus.Released : EscrowStatus.Refunded;

        // Twice at most: a miss of the compare-and-set means another request moved the escrow; its new
        // status is then answered, and only an escrow found Open is asked again.
        for (var attempt = 0; attempt < 2; attempt++)
        {
            if (escrow.Status == to || escrow.Status == done)
            {
                return new EscrowOutcome(EscrowError.None, escrow, Created: false, null);
            }

            if (escrow.Status != EscrowStatus.Open)
            {
                return new EscrowOutcome(EscrowError.EscrowNotOpen, escrow, Created: false, null);
            }

            var now = clock.GetUtcNow();
            if (to == EscrowStatus.Refunding && !callerIsOperator && now <= escrow.Deadline)
            {
                return new EscrowOutcome(EscrowError.DeadlineNotPassed, escrow, Created: false, null);
            }

            var moved = await escrows.TryRequestActionAsync(id, to, now, cancellationToken);
            escrow = await ReloadAsync(id, cancellationToken);
            if (moved)
            {
                return new EscrowOutcome(EscrowError.None, escrow, Created: false, null);
            }
        }

        return new EscrowOutcome(EscrowError.EscrowNotOpen, escrow, Created: false, null);
    }

    private async Task<EscrowOutcome> ReplayAsync(
        Escrow existing, EscrowRequest request, Currency currency, DateTimeOffset deadline, UInt128 callerId, bool callerIsOperator, CancellationToken cancellationToken)
    {
        var same = existing.Funding == request.Funding
            && existing.AccountId == request.AccountId
            && existing.Amount == request.Amount
            && existing.Ledger == currency.Ledger
            && existing.Deadline == deadline
            && Same(existing.Payer, request.Payer)
            && Same(existing.Payee, request.Payee)
            && Same(existing.Arbiter, request.Arbiter)
            && SamePermit(existing.Permit, request.Permit)
            && (callerIsOperator || existing.ParticipantId == callerId);
        if (!same)
        {
            return EscrowOutcome.Fail(EscrowError.EscrowExists);
        }

        // A request the ledger refused answers its refusal again: Failed, and nothing was ever held.
        if (existing.Status == EscrowStatus.Failed
            && existing.FailureReason is { } reason
            && await ledger.GetTransferAsync(EscrowLegs.MirrorId(existing.Id), cancellationToken) is null)
        {
            return Refused(existing, reason, created: false);
        }

        return new EscrowOutcome(EscrowError.None, existing, Created: false, null);
    }

    /// <summary>
    /// Commits the escrow's mirror. Null and the escrow as stored after when the mirror is held (created now
    /// or before) and the escrow is not Failed; otherwise the reason it is Failed, with the mirror voided if
    /// another pipeline's commit left it pending.
    /// </summary>
    private async Task<(string? Refusal, Escrow Escrow)> CommitMirrorAsync(Escrow escrow, CancellationToken cancellationToken)
    {
        var outcome = await engine.CreateTransfersAsync([EscrowLegs.Mirror(escrow)], UInt128.Zero, cancellationToken);
        AssertNotForbidden(outcome);
        var result = outcome.Results[0].Result;
        if (result.ToString().StartsWith("ExistsWithDifferent", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"Escrow {escrow.Id}: the ledger holds a different transfer under its mirror's id ({result.Name()}).");
        }

        if (result is not (CreateTransferResult.Created or CreateTransferResult.Exists))
        {
            await escrows.TryFailOpeningAsync(escrow.Id, result.Name(), clock.GetUtcNow(), cancellationToken);
        }

        var after = await ReloadAsync(escrow.Id, cancellationToken);
        if (after.Status != EscrowStatus.Failed)
        {
            // Refused here, but another pipeline committed the mirror (the funds arrived) and signed the open
            // before this one could fail it: the escrow goes ahead.
            return (null, after);
        }

        if (await IsMirrorPendingAsync(escrow.Id, cancellationToken))
        {
            await ResolveMirrorAsync(after, post: false, cancellationToken);
        }

        return (after.FailureReason ?? result.Name(), after);
    }

    /// <summary>Creates the operator's escrow account of the ledger if it is missing.</summary>
    private async Task EnsureEscrowAccountAsync(uint ledgerNumber, CancellationToken cancellationToken)
    {
        var account = OperatorAccounts.Escrow(operatorId, ledgerNumber);
        if (await ledger.GetAccountAsync(account.Id, cancellationToken) is not null)
        {
            return;
        }

        var outcome = await engine.CreateAccountsAsync([account], cancellationToken);
        var result = outcome.Results[0].Result;
        if (result is not (CreateAccountResult.Created or CreateAccountResult.Exists))
        {
            throw new InvalidOperationException($"The escrow account of ledger {ledgerNumber} could not be created: {result.Name()}.");
        }
    }

    private async Task<bool> IsMirrorPendingAsync(UInt128 escrowId, CancellationToken cancellationToken) =>
        (await ledger.GetTransferAsync(EscrowLegs.MirrorId(escrowId), cancellationToken))?.Pending is { Status: PendingStatus.Pending };

    private async Task<Escrow> ReloadAsync(UInt128 id, CancellationToken cancellationToken) =>
        await escrows.GetEscrowAsync(id, cancellationToken)
        ?? throw new InvalidOperationException($"Escrow {id} is recorded but cannot be read; escrows are never deleted.");

    private static EscrowOutcome Refused(Escrow escrow, string reason, bool created) =>
        new(reason == CreateTransferResult.ExceedsCredits.Name() ? EscrowError.InsufficientFunds : EscrowError.LedgerRefused, escrow, created, reason);

    private static EscrowError? PermitError(EscrowRequest request, DateTimeOffset now)
    {
        switch (request.Funding, request.Permit)
        {
            case (EscrowFunding.Permit, null):
                return EscrowError.PermitRequired;
            case (EscrowFunding.Treasury, not null):
                return EscrowError.PermitNotExpected;
            case (EscrowFunding.Permit, { } permit):
                // A permit past its deadline can only make the open revert.
                return Escrow.IsWellFormed(permit) && permit.Deadline > (ulong)now.ToUnixTimeSeconds() ? null : EscrowError.InvalidPermit;
            default:
                return null;
        }
    }

    /// <summary>20 bytes, not all zero (the contract refuses the zero address).</summary>
    private static bool IsAddress(byte[]? address) => address is { Length: Escrow.AddressBytes } && address.AsSpan().ContainsAnyExcept((byte)0);

    private static bool Same(byte[] stored, byte[]? asked) => asked is not null && stored.AsSpan().SequenceEqual(asked);

    private static bool SamePermit(EscrowPermit? stored, EscrowPermit? asked) =>
        (stored, asked) switch
        {
            (null, null) => true,
            ({ } s, { } a) => s.Deadline == a.Deadline && s.V == a.V && Same(s.R, a.R) && Same(s.S, a.S),
            _ => false,
        };

    /// <summary>The whole second at or before <paramref name="instant"/>, in UTC: what the contract keeps.</summary>
    private static DateTimeOffset WholeSecond(DateTimeOffset instant) =>
        new(instant.UtcTicks - (instant.UtcTicks % TimeSpan.TicksPerSecond), TimeSpan.Zero);

    private static void AssertNotForbidden(CreateTransfersOutcome outcome)
    {
        if (outcome.Forbidden)
        {
            throw new InvalidOperationException("Escrow transfers are committed as the operator; the engine cannot forbid them.");
        }
    }
}

using Ledger.Core.Domain;

namespace Ledger.Core.StateMachine;

/// <summary>
/// The rules for one transfer event, in TigerBeetle's order: validation of the event alone, account
/// lookups, the caller's right to debit, the idempotency checks (<c>exists</c> and
/// <c>exists_with_different_*</c>), then state, overflow and balance-limit checks, and only then the
/// change. A rule that fails returns its result and changes nothing.
/// </summary>
internal static class TransferRules
{
    private const TransferFlags PostOrVoid = TransferFlags.PostPending | TransferFlags.VoidPending;
    private const TransferFlags Balancing = TransferFlags.BalancingDebit | TransferFlags.BalancingCredit;
    private const TransferFlags Closing = TransferFlags.ClosingDebit | TransferFlags.ClosingCredit;

    /// <param name="principal">The participant that must own the debited account; zero for the operator.</param>
    /// <param name="forbidden">Set when the caller may not debit the account: the whole request is refused.</param>
    public static CreateTransferResult Create(WorkingSet set, in Transfer t, ulong timestamp, UInt128 principal, out bool forbidden)
    {
        forbidden = false;
        if (t.Id == UInt128.Zero)
        {
            return CreateTransferResult.IdMustNotBeZero;
        }

        if (t.Id == UInt128.MaxValue)
        {
            return CreateTransferResult.IdMustNotBeIntMax;
        }

        if ((t.Flags & ~TransferFlagsExtensions.Defined) != 0)
        {
            return CreateTransferResult.ReservedFlag;
        }

        return (t.Flags & PostOrVoid) != 0
            ? PostOrVoidPending(set, t, timestamp, principal, out forbidden)
            : CreateNew(set, t, timestamp, principal, out forbidden);
    }

    private static CreateTransferResult CreateNew(WorkingSet set, in Transfer t, ulong timestamp, UInt128 principal, out bool forbidden)
    {
        forbidden = false;
        var pending = (t.Flags & TransferFlags.Pending) != 0;
        if (t.DebitAccountId == UInt128.Zero)
        {
            return CreateTransferResult.DebitAccountIdMustNotBeZero;
        }

        if (t.DebitAccountId == UInt128.MaxValue)
        {
            return CreateTransferResult.DebitAccountIdMustNotBeIntMax;
        }

        if (t.CreditAccountId == UInt128.Zero)
        {
            return CreateTransferResult.CreditAccountIdMustNotBeZero;
        }

        if (t.CreditAccountId == UInt128.MaxValue)
        {
            return CreateTransferResult.CreditAccountIdMustNotBeIntMax;
        }

        if (t.DebitAccountId == t.CreditAccountId)
        {
            return CreateTransferResult.AccountsMustBeDifferent;
        }

        if (t.PendingId != UInt128.Zero)
        {
            return CreateTransferResult.PendingIdMustBeZero;
        }

        if (!pending && t.TimeoutSeconds != 0)
        {
            return CreateTransferResult.TimeoutReservedForPendingTransfer;
        }

        if (!pending && (t.Flags & Closing) != 0)
        {
            return CreateTransferResult.ClosingTransferMustBePending;
        }

        if (t.Amount == UInt128.Zero)
        {
            return CreateTransferResult.AmountMustNotBeZero;
        }

        if (t.Ledger == 0)
        {
            return CreateTransferResult.LedgerMustNotBeZero;
        }

        if (t.Code == 0)
        {
            return CreateTransferResult.CodeMustNotBeZero;
        }

        if (!set.Accounts.TryGetValue(t.DebitAccountId, out var dr))
        {
            return CreateTransferResult.DebitAccountNotFound;
        }

        if (!set.Accounts.TryGetValue(t.CreditAccountId, out var cr))
        {
            return CreateTransferResult.CreditAccountNotFound;
        }

        if (dr.Ledger != cr.Ledger || t.Ledger != dr.Ledger)
        {
            return CreateTransferResult.LedgerMustMatch;
        }

        if (principal != UInt128.Zero && dr.UserData128 != principal)
        {
            forbidden = true;
            return CreateTransferResult.DebitAccountNotFound;
        }

        if (set.Transfers.TryGetValue(t.Id, out var existing))
        {
            return CompareExisting(t, existing, (t.Flags & Balancing) != 0);
        }

        if ((dr.Flags & AccountFlags.Closed) != 0)
        {
            return CreateTransferResult.DebitAccountAlreadyClosed;
        }

        if ((cr.Flags & AccountFlags.Closed) != 0)
        {
            return CreateTransferResult.CreditAccountAlreadyClosed;
        }

        var amount = t.Amount;
        if ((t.Flags & TransferFlags.BalancingDebit) != 0)
        {
            var available = Money.SaturatingSubtract(dr.CreditsPosted, Money.TryAdd(dr.DebitsPosted, dr.DebitsPending, out var debits) ? debits : UInt128.MaxValue);
            amount = UInt128.Min(amount, available);
            if (amount == UInt128.Zero)
            {
                return CreateTransferResult.ExceedsCredits;
            }
        }

        if ((t.Flags & TransferFlags.BalancingCredit) != 0)
        {
            var available = Money.SaturatingSubtract(cr.DebitsPosted, Money.TryAdd(cr.CreditsPosted, cr.CreditsPending, out var credits) ? credits : UInt128.MaxValue);
            amount = UInt128.Min(amount, available);
            if (amount == UInt128.Zero)
            {
                return CreateTransferResult.ExceedsDebits;
            }
        }

        UInt128 drPendingNew = dr.DebitsPending, drPostedNew = dr.DebitsPosted;
        UInt128 crPendingNew = cr.CreditsPending, crPostedNew = cr.CreditsPosted;
        if (pending)
        {
            if (!Money.TryAdd(dr.DebitsPending, amount, out drPendingNew))
            {
                return CreateTransferResult.OverflowsDebitsPending;
            }

            if (!Money.TryAdd(cr.CreditsPending, amount, out crPendingNew))
            {
                return CreateTransferResult.OverflowsCreditsPending;
            }
        }
        else
        {
            if (!Money.TryAdd(dr.DebitsPosted, amount, out drPostedNew))
            {
                return CreateTransferResult.OverflowsDebitsPosted;
            }

            if (!Money.TryAdd(cr.CreditsPosted, amount, out crPostedNew))
            {
                return CreateTransferResult.OverflowsCreditsPosted;
            }
        }

        if (!Money.TryAdd(dr.DebitsPending, dr.DebitsPosted, amount, out var drDebitsTotal))
        {
            return CreateTransferResult.OverflowsDebits;
        }

        if (!Money.TryAdd(cr.CreditsPending, cr.CreditsPosted, amount, out var crCreditsTotal))
        {
            return CreateTransferResult.OverflowsCredits;
        }

        ulong expiresAt = 0;
        if (pending && t.TimeoutSeconds != 0)
        {
            var timeoutNs = (UInt128)t.TimeoutSeconds * LedgerLimits.NanosecondsPerSecond;
            if (!Money.TryAdd(timestamp, timeoutNs, out var expiry) || expiry > ulong.MaxValue)
            {
                return CreateTransferResult.OverflowsTimeout;
            }

            expiresAt = (ulong)expiry;
        }

        if ((dr.Flags & AccountFlags.DebitsMustNotExceedCredits) != 0 && drDebitsTotal > dr.CreditsPosted)
        {
            return CreateTransferResult.ExceedsCredits;
        }

        if ((cr.Flags & AccountFlags.CreditsMustNotExceedDebits) != 0 && crCreditsTotal > cr.DebitsPosted)
        {
            return CreateTransferResult.ExceedsDebits;
        }

        var drFlags = (t.Flags & TransferFlags.ClosingDebit) != 0 ? dr.Flags | AccountFlags.Closed : dr.Flags;
        var crFlags = (t.Flags & TransferFlags.ClosingCredit) != 0 ? cr.Flags | AccountFlags.Closed : cr.Flags;
        var drNew = dr with { DebitsPending = drPendingNew, DebitsPosted = drPostedNew, Flags = drFlags };
        var crNew = cr with { CreditsPending = crPendingNew, CreditsPosted = crPostedNew, Flags = crFlags };
        set.PutAccount(drNew);
        set.PutAccount(crNew);
        set.AddTransfer(t with { Amount = amount, Timestamp = timestamp });
        if (pending)
        {
            set.PutPending(new PendingState(t.Id, PendingStatus.Pending, expiresAt, 0));
        }

        set.RecordBalance(drNew, timestamp);
        set.RecordBalance(crNew, timestamp);
        return CreateTransferResult.Created;
    }

    private static CreateTransferResult PostOrVoidPending(WorkingSet set, in Transfer t, ulong timestamp, UInt128 principal, out bool forbidden)
    {
        forbidden = false;
        var post = (t.Flags & TransferFlags.PostPending) != 0;
        if ((t.Flags & PostOrVoid) == PostOrVoid || (t.Flags & (TransferFlags.Pending | Balancing | Closing)) != 0)
        {
            return CreateTransferResult.FlagsAreMutuallyExclusive;
        }

        if (t.PendingId == UInt128.Zero)
        {
            return CreateTransferResult.PendingIdMustNotBeZero;
        }

        if (t.PendingId == UInt128.MaxValue)
        {
            return CreateTransferResult.PendingIdMustNotBeIntMax;
        }

        if (t.PendingId == t.Id)
        {
            return CreateTransferResult.PendingIdMustBeDifferent;
        }

        if (t.TimeoutSeconds != 0)
        {
            return CreateTransferResult.TimeoutReservedForPendingTransfer;
        }

        if (t.Amount == UInt128.Zero)
        {
            return CreateTransferResult.AmountMustNotBeZero;
        }

        if (!set.Transfers.TryGetValue(t.PendingId, out var p))
        {
            return CreateTransferResult.PendingTransferNotFound;
        }

        if ((p.Flags & TransferFlags.Pending) == 0)
        {
            return CreateTransferResult.PendingTransferNotPending;
        }

        if (t.DebitAccountId != UInt128.Zero && t.DebitAccountId != p.DebitAccountId)
        {
            return CreateTransferResult.PendingTransferHasDifferentDebitAccountId;
        }

        if (t.CreditAccountId != UInt128.Zero && t.CreditAccountId != p.CreditAccountId)
        {
            return CreateTransferResult.PendingTransferHasDifferentCreditAccountId;
        }

        if (t.Ledger != 0 && t.Ledger != p.Ledger)
        {
            return CreateTransferResult.PendingTransferHasDifferentLedger;
        }

        if (t.Code != 0 && t.Code != p.Code)
        {
            return CreateTransferResult.PendingTransferHasDifferentCode;
        }

        var dr = RequireAccount(set, p.DebitAccountId);
        var cr = RequireAccount(set, p.CreditAccountId);
        if (principal != UInt128.Zero && dr.UserData128 != principal)
        {
            forbidden = true;
            return CreateTransferResult.PendingTransferNotFound;
        }

        var amount = t.Amount == Transfer.AmountMax ? p.Amount : t.Amount;
        if (post && amount > p.Amount)
        {
            return CreateTransferResult.ExceedsPendingTransferAmount;
        }

        if (!post && amount != p.Amount)
        {
            return CreateTransferResult.PendingTransferHasDifferentAmount;
        }

        var resolved = new Transfer
        {
            Id = t.Id,
            DebitAccountId = p.DebitAccountId,
            CreditAccountId = p.CreditAccountId,
            Amount = amount,
            PendingId = p.Id,
            UserData128 = t.UserData128 != UInt128.Zero ? t.UserData128 : p.UserData128,
            UserData64 = t.UserData64 != 0 ? t.UserData64 : p.UserData64,
            UserData32 = t.UserData32 != 0 ? t.UserData32 : p.UserData32,
            TimeoutSeconds = 0,
            Ledger = p.Ledger,
            Code = p.Code,
            Flags = t.Flags,
            Timestamp = timestamp,
        };

        if (set.Transfers.TryGetValue(t.Id, out var existing))
        {
            return CompareExisting(resolved, existing, balancing: false);
        }

        if (!set.Pending.TryGetValue(p.Id, out var state))
        {
            throw new LedgerInvariantException($"Pending transfer {p.Id} has no pending state.");
        }

        switch (state.Status)
        {
            case PendingStatus.Posted:
                return CreateTransferResult.PendingTransferAlreadyPosted;
            case PendingStatus.Voided:
                return CreateTransferResult.PendingTransferAlreadyVoided;
            case PendingStatus.Expired:
                return CreateTransferResult.PendingTransferExpired;
            case PendingStatus.Pending when state.ExpiresAt != 0 && timestamp >= state.ExpiresAt:
                return CreateTransferResult.PendingTransferExpired;
            default:
                break;
        }

        if (post && (dr.Flags & AccountFlags.Closed) != 0 && (p.Flags & TransferFlags.ClosingDebit) == 0)
        {
            return CreateTransferResult.DebitAccountAlreadyClosed;
        }

        if (post && (cr.Flags & AccountFlags.Closed) != 0 && (p.Flags & TransferFlags.ClosingCredit) == 0)
        {
            return CreateTransferResult.CreditAccountAlreadyClosed;
        }

        UInt128 drPosted = dr.DebitsPosted, crPosted = cr.CreditsPosted;
        if (post)
        {
            if (!Money.TryAdd(dr.DebitsPosted, amount, out drPosted))
            {
                return CreateTransferResult.OverflowsDebitsPosted;
            }

            if (!Money.TryAdd(cr.CreditsPosted, amount, out crPosted))
            {
                return CreateTransferResult.OverflowsCreditsPosted;
            }
        }

        // Checked subtraction (the project compiles money code with overflow checks): a pending balance
        // below the pending amount it holds would be a bug, and it throws rather than wraps.
        var drNew = dr with { DebitsPending = dr.DebitsPending - p.Amount, DebitsPosted = drPosted, Flags = Reopened(dr.Flags, p.Flags, TransferFlags.ClosingDebit, post) };
        var crNew = cr with { CreditsPending = cr.CreditsPending - p.Amount, CreditsPosted = crPosted, Flags = Reopened(cr.Flags, p.Flags, TransferFlags.ClosingCredit, post) };
        set.PutAccount(drNew);
        set.PutAccount(crNew);
        set.AddTransfer(resolved);
        set.PutPending(state with { Status = post ? PendingStatus.Posted : PendingStatus.Voided, ResolvedAt = timestamp });
        set.RecordBalance(drNew, timestamp);
        set.RecordBalance(crNew, timestamp);
        return CreateTransferResult.Created;
    }

    /// <summary>Releases an expired pending transfer's hold. Returns false when it is no longer pending.</summary>
    public static bool Expire(WorkingSet set, UInt128 pendingId, ulong timestamp)
    {
        if (!set.Pending.TryGetValue(pendingId, out var state) || state.Status != PendingStatus.Pending)
        {
            return false;
        }

        if (!set.Transfers.TryGetValue(pendingId, out var p))
        {
            throw new LedgerInvariantException($"Pending state {pendingId} has no transfer.");
        }

        var dr = RequireAccount(set, p.DebitAccountId);
        var cr = RequireAccount(set, p.CreditAccountId);
        set.PutAccount(dr with { DebitsPending = dr.DebitsPending - p.Amount, Flags = Reopened(dr.Flags, p.Flags, TransferFlags.ClosingDebit, posted: false) });
        set.PutAccount(cr with { CreditsPending = cr.CreditsPending - p.Amount, Flags = Reopened(cr.Flags, p.Flags, TransferFlags.ClosingCredit, posted: false) });
        set.PutPending(state with { Status = PendingStatus.Expired, ResolvedAt = timestamp });
        return true;
    }

    /// <summary>A closing transfer that is voided or expires reopens the account it closed.</summary>
    private static AccountFlags Reopened(AccountFlags accountFlags, TransferFlags pendingFlags, TransferFlags closingFlag, bool posted) =>
        !posted && (pendingFlags & closingFlag) != 0 ? accountFlags & ~AccountFlags.Closed : accountFlags;

    private static Account RequireAccount(WorkingSet set, UInt128 id) =>
        set.Accounts.TryGetValue(id, out var account)
            ? account
            : throw new LedgerInvariantException($"Account {id} of a committed transfer is missing.");

    private static CreateTransferResult CompareExisting(in Transfer t, in Transfer e, bool balancing)
    {
        if (t.Flags != e.Flags)
        {
            return CreateTransferResult.ExistsWithDifferentFlags;
        }

        if (t.PendingId != e.PendingId)
        {
            return CreateTransferResult.ExistsWithDifferentPendingId;
        }

        if (t.TimeoutSeconds != e.TimeoutSeconds)
        {
            return CreateTransferResult.ExistsWithDifferentTimeout;
        }

        if (t.DebitAccountId != e.DebitAccountId)
        {
            return CreateTransferResult.ExistsWithDifferentDebitAccountId;
        }

        if (t.CreditAccountId != e.CreditAccountId)
        {
            return CreateTransferResult.ExistsWithDifferentCreditAccountId;
        }

        // A balancing request names the most it may move; the stored amount is what it moved.
        if (balancing ? t.Amount < e.Amount : t.Amount != e.Amount)
        {
            return CreateTransferResult.ExistsWithDifferentAmount;
        }

        if (t.UserData128 != e.UserData128)
        {
            return CreateTransferResult.ExistsWithDifferentUserData128;
        }

        if (t.UserData64 != e.UserData64)
        {
            return CreateTransferResult.ExistsWithDifferentUserData64;
        }

        if (t.UserData32 != e.UserData32)
        {
            return CreateTransferResult.ExistsWithDifferentUserData32;
        }

        if (t.Ledger != e.Ledger)
        {
            return CreateTransferResult.ExistsWithDifferentLedger;
        }

        return t.Code != e.Code ? CreateTransferResult.ExistsWithDifferentCode : CreateTransferResult.Exists;
    }
}

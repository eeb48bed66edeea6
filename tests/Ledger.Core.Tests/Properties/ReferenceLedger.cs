using System.Numerics;
using Ledger.Core.Domain;

namespace Ledger.Core.Tests.Properties;

/// <summary>An account as the reference model keeps it: balances as exact integers, closed as a boolean.</summary>
internal sealed class ModelAccount
{
    public required UInt128 Id { get; init; }
    public required uint Ledger { get; init; }
    public required AccountFlags Flags { get; init; }
    public required UInt128 Owner { get; init; }
    public bool Closed { get; set; }
    public BigInteger DebitsPending { get; set; }
    public BigInteger DebitsPosted { get; set; }
    public BigInteger CreditsPending { get; set; }
    public BigInteger CreditsPosted { get; set; }

    public ModelAccount Clone() => (ModelAccount)MemberwiseClone();
}

internal enum ModelStatus
{
    Pending,
    Posted,
    Voided,
    Expired,
}

internal sealed record ModelPending(ModelStatus Status, ulong ExpiresAt);

/// <summary>One event's predicted result. <see cref="Timestamp"/> is the stored transfer's for exists.</summary>
internal readonly record struct ModelResult(CreateTransferResult Result, ulong Timestamp);

internal sealed record ModelOutcome(IReadOnlyList<ModelResult> Results, int ForbiddenIndex);

/// <summary>
/// An independent re-implementation of create_transfers as the brief and TigerBeetle state it, written
/// for clarity rather than speed: the whole state is copied to open a linked chain or a request, and a
/// failure restores the copy. Balances are <see cref="BigInteger"/>s; "overflow" means "above 2^128 - 1".
/// Timestamps are predicted too: a request's events get consecutive timestamps from
/// max(clock, last committed + 1), and the head moves only when something was committed.
/// </summary>
internal sealed class ReferenceLedger
{
    public static readonly BigInteger Max = (BigInteger)UInt128.MaxValue;

    private State state = new();

    public IReadOnlyDictionary<UInt128, ModelAccount> Accounts => state.Accounts;

    public IReadOnlyDictionary<UInt128, Transfer> Transfers => state.Transfers;

    public IReadOnlyDictionary<UInt128, ModelPending> Pending => state.Pending;

    /// <summary>Transfer ids in log order.</summary>
    public IReadOnlyList<UInt128> Log => state.Log;

    public ulong LastTimestamp => state.LastTimestamp;

    /// <summary>Accounts are created directly (the property is about transfers); the timestamps they take are tracked.</summary>
    public void CreateAccounts(IReadOnlyList<Account> accounts, ulong now)
    {
        var first = Math.Max(now, state.LastTimestamp + 1);
        foreach (var a in accounts)
        {
            state.Accounts.Add(a.Id, new ModelAccount { Id = a.Id, Ledger = a.Ledger, Flags = a.Flags, Owner = a.UserData128 });
        }

        state.LastTimestamp = first + (ulong)accounts.Count - 1;
    }

    public ModelOutcome CreateTransfers(IReadOnlyList<Transfer> events, UInt128 principal, ulong now)
    {
        var first = Math.Max(now, state.LastTimestamp + 1);
        var forbiddenIndex = FirstForeignDebit(events, principal);
        if (forbiddenIndex >= 0)
        {
            return new ModelOutcome([], forbiddenIndex);
        }

        var results = new ModelResult[events.Count];
        var chainStart = -1;
        var chainFailed = false;
        State? beforeChain = null;
        for (var i = 0; i < events.Count; i++)
        {
            var t = events[i];
            var timestamp = first + (ulong)i;
            var linked = (t.Flags & TransferFlags.Linked) != 0;
            if (linked && chainStart < 0)
            {
                chainStart = i;
                chainFailed = false;
                beforeChain = state.Clone();
            }

            CreateTransferResult result;
            // Chain-open is decided before chain-broken, as in TigerBeetle: the last event of a chain left
            // open reports that, whether or not the chain already failed.
            if (linked && i == events.Count - 1)
            {
                result = CreateTransferResult.LinkedEventChainOpen;
            }
            else if (chainFailed)
            {
                result = CreateTransferResult.LinkedEventFailed;
            }
            else
            {
                result = Apply(t, timestamp);
            }

            results[i] = new ModelResult(result, result == CreateTransferResult.Exists ? state.Transfers[t.Id].Timestamp : timestamp);
            var succeeded = result is CreateTransferResult.Created or CreateTransferResult.Exists;
            if (chainStart >= 0 && !chainFailed && !succeeded)
            {
                state = beforeChain!;
                for (var j = chainStart; j < i; j++)
                {
                    results[j] = results[j] with { Result = CreateTransferResult.LinkedEventFailed };
                }

                chainFailed = true;
            }

            if (chainStart >= 0 && !linked)
            {
                chainStart = -1;
                chainFailed = false;
            }
        }

        if (results.Any(r => r.Result == CreateTransferResult.Created))
        {
            state.LastTimestamp = first + (ulong)events.Count - 1;
        }

        return new ModelOutcome(results, -1);
    }

    /// <summary>The expiry pulse: every pending transfer whose deadline is at or before the pulse's timestamp.</summary>
    public int Expire(ulong now)
    {
        var timestamp = Math.Max(now, state.LastTimestamp + 1);
        var expired = state.Pending
            .Where(p => p.Value.Status == ModelStatus.Pending && p.Value.ExpiresAt != 0 && p.Value.ExpiresAt <= timestamp)
            .Select(p => p.Key)
            .ToList();
        foreach (var id in expired)
        {
            var p = state.Transfers[id];
            Release(p, posted: false, UInt128.Zero);
            state.Pending[id] = state.Pending[id] with { Status = ModelStatus.Expired };
        }

        if (expired.Count > 0)
        {
            state.LastTimestamp = timestamp;
        }

        return expired.Count;
    }

    /// <summary>
    /// The brief's rule, read literally: a request on a participant's behalf may only debit that
    /// participant's accounts, otherwise the whole request is refused. Every event counts, whether or not
    /// it would be run (a chain left open, a link after a failure) and whatever else is wrong with it: a
    /// new transfer debits its debit account, a post or void the debit account of the pending transfer it
    /// names. Accounts never change owner and a pending transfer created earlier in the request already
    /// passed this check, so one pass over the request against the state it meets is enough.
    /// </summary>
    private int FirstForeignDebit(IReadOnlyList<Transfer> events, UInt128 principal)
    {
        if (principal == UInt128.Zero)
        {
            return -1;
        }

        for (var i = 0; i < events.Count; i++)
        {
            var t = events[i];
            var debit = t.DebitAccountId;
            if ((t.Flags & (TransferFlags.PostPending | TransferFlags.VoidPending)) != 0)
            {
                debit = state.Transfers.TryGetValue(t.PendingId, out var p) ? p.DebitAccountId : UInt128.Zero;
            }

            if (state.Accounts.TryGetValue(debit, out var account) && account.Owner != principal)
            {
                return i;
            }

            // Only an account's owner may close it, so a closing credit must name the principal's own account.
            if ((t.Flags & TransferFlags.ClosingCredit) != 0 && state.Accounts.TryGetValue(t.CreditAccountId, out var credited) && credited.Owner != principal)
            {
                return i;
            }
        }

        return -1;
    }

    private CreateTransferResult Apply(in Transfer t, ulong timestamp)
    {
        if (t.Id == UInt128.Zero)
        {
            return CreateTransferResult.IdMustNotBeZero;
        }

        if (t.Id == UInt128.MaxValue)
        {
            return CreateTransferResult.IdMustNotBeIntMax;
        }

        if (((ushort)t.Flags & 0xFF00) != 0)
        {
            return CreateTransferResult.ReservedFlag;
        }

        var post = t.Flags.HasFlag(TransferFlags.PostPending);
        var voided = t.Flags.HasFlag(TransferFlags.VoidPending);
        return post || voided ? ApplyPostOrVoid(t, post, voided, timestamp) : ApplyNew(t, timestamp);
    }

    private CreateTransferResult ApplyNew(in Transfer t, ulong timestamp)
    {
        var pending = t.Flags.HasFlag(TransferFlags.Pending);
        var closing = (t.Flags & (TransferFlags.ClosingDebit | TransferFlags.ClosingCredit)) != 0;
        var failure =
            t.DebitAccountId == UInt128.Zero ? CreateTransferResult.DebitAccountIdMustNotBeZero
            : t.DebitAccountId == UInt128.MaxValue ? CreateTransferResult.DebitAccountIdMustNotBeIntMax
            : t.CreditAccountId == UInt128.Zero ? CreateTransferResult.CreditAccountIdMustNotBeZero
            : t.CreditAccountId == UInt128.MaxValue ? CreateTransferResult.CreditAccountIdMustNotBeIntMax
            : t.DebitAccountId == t.CreditAccountId ? CreateTransferResult.AccountsMustBeDifferent
            : t.PendingId != UInt128.Zero ? CreateTransferResult.PendingIdMustBeZero
            : !pending && t.TimeoutSeconds != 0 ? CreateTransferResult.TimeoutReservedForPendingTransfer
            : !pending && closing ? CreateTransferResult.ClosingTransferMustBePending
            : t.Amount == UInt128.Zero ? CreateTransferResult.AmountMustNotBeZero
            : t.Ledger == 0 ? CreateTransferResult.LedgerMustNotBeZero
            : t.Code == 0 ? CreateTransferResult.CodeMustNotBeZero
            : !state.Accounts.ContainsKey(t.DebitAccountId) ? CreateTransferResult.DebitAccountNotFound
            : !state.Accounts.ContainsKey(t.CreditAccountId) ? CreateTransferResult.CreditAccountNotFound
            : (CreateTransferResult?)null;
        if (failure is { } f)
        {
            return f;
        }

        var dr = state.Accounts[t.DebitAccountId];
        var cr = state.Accounts[t.CreditAccountId];
        if (dr.Ledger != cr.Ledger || t.Ledger != dr.Ledger)
        {
            return CreateTransferResult.LedgerMustMatch;
        }

        var balancingDebit = t.Flags.HasFlag(TransferFlags.BalancingDebit);
        var balancingCredit = t.Flags.HasFlag(TransferFlags.BalancingCredit);
        if (state.Transfers.TryGetValue(t.Id, out var e))
        {
            return Compare(t, e, amountIsAtMost: balancingDebit || balancingCredit);
        }

        if (dr.Closed)
        {
            return CreateTransferResult.DebitAccountAlreadyClosed;
        }

        if (cr.Closed)
        {
            return CreateTransferResult.CreditAccountAlreadyClosed;
        }

        var amount = (BigInteger)t.Amount;
        if (balancingDebit)
        {
            amount = BigInteger.Min(amount, BigInteger.Max(BigInteger.Zero, dr.CreditsPosted - dr.DebitsPosted - dr.DebitsPending));
            if (amount.IsZero)
            {
                return CreateTransferResult.ExceedsCredits;
            }
        }

        if (balancingCredit)
        {
            amount = BigInteger.Min(amount, BigInteger.Max(BigInteger.Zero, cr.DebitsPosted - cr.CreditsPosted - cr.CreditsPending));
            if (amount.IsZero)
            {
                return CreateTransferResult.ExceedsDebits;
            }
        }

        if (pending && dr.DebitsPending + amount > Max)
        {
            return CreateTransferResult.OverflowsDebitsPending;
        }

        if (pending && cr.CreditsPending + amount > Max)
        {
            return CreateTransferResult.OverflowsCreditsPending;
        }

        if (!pending && dr.DebitsPosted + amount > Max)
        {
            return CreateTransferResult.OverflowsDebitsPosted;
        }

        if (!pending && cr.CreditsPosted + amount > Max)
        {
            return CreateTransferResult.OverflowsCreditsPosted;
        }

        if (dr.DebitsPending + dr.DebitsPosted + amount > Max)
        {
            return CreateTransferResult.OverflowsDebits;
        }

        if (cr.CreditsPending + cr.CreditsPosted + amount > Max)
        {
            return CreateTransferResult.OverflowsCredits;
        }

        ulong expiresAt = 0;
        if (pending && t.TimeoutSeconds != 0)
        {
            var deadline = (BigInteger)timestamp + ((BigInteger)t.TimeoutSeconds * 1_000_000_000);
            if (deadline > ulong.MaxValue)
            {
                return CreateTransferResult.OverflowsTimeout;
            }

            expiresAt = (ulong)deadline;
        }

        if (dr.Flags.HasFlag(AccountFlags.DebitsMustNotExceedCredits) && dr.DebitsPending + dr.DebitsPosted + amount > dr.CreditsPosted)
        {
            return CreateTransferResult.ExceedsCredits;
        }

        if (cr.Flags.HasFlag(AccountFlags.CreditsMustNotExceedDebits) && cr.CreditsPending + cr.CreditsPosted + amount > cr.DebitsPosted)
        {
            return CreateTransferResult.ExceedsDebits;
        }

        if (pending)
        {
            dr.DebitsPending += amount;
            cr.CreditsPending += amount;
            state.Pending[t.Id] = new ModelPending(ModelStatus.Pending, expiresAt);
        }
        else
        {
            dr.DebitsPosted += amount;
            cr.CreditsPosted += amount;
        }

        dr.Closed |= t.Flags.HasFlag(TransferFlags.ClosingDebit);
        cr.Closed |= t.Flags.HasFlag(TransferFlags.ClosingCredit);
        state.Transfers[t.Id] = t with { Amount = (UInt128)amount, Timestamp = timestamp };
        state.Log.Add(t.Id);
        return CreateTransferResult.Created;
    }

    private CreateTransferResult ApplyPostOrVoid(in Transfer t, bool post, bool voided, ulong timestamp)
    {
        var others = TransferFlags.Pending | TransferFlags.BalancingDebit | TransferFlags.BalancingCredit | TransferFlags.ClosingDebit | TransferFlags.ClosingCredit;
        var failure =
            (post && voided) || (t.Flags & others) != 0 ? CreateTransferResult.FlagsAreMutuallyExclusive
            : t.PendingId == UInt128.Zero ? CreateTransferResult.PendingIdMustNotBeZero
            : t.PendingId == UInt128.MaxValue ? CreateTransferResult.PendingIdMustNotBeIntMax
            : t.PendingId == t.Id ? CreateTransferResult.PendingIdMustBeDifferent
            : t.TimeoutSeconds != 0 ? CreateTransferResult.TimeoutReservedForPendingTransfer
            : t.Amount == UInt128.Zero ? CreateTransferResult.AmountMustNotBeZero
            : !state.Transfers.ContainsKey(t.PendingId) ? CreateTransferResult.PendingTransferNotFound
            : (CreateTransferResult?)null;
        if (failure is { } f)
        {
            return f;
        }

        var p = state.Transfers[t.PendingId];
        failure =
            !p.Flags.HasFlag(TransferFlags.Pending) ? CreateTransferResult.PendingTransferNotPending
            : t.DebitAccountId != UInt128.Zero && t.DebitAccountId != p.DebitAccountId ? CreateTransferResult.PendingTransferHasDifferentDebitAccountId
            : t.CreditAccountId != UInt128.Zero && t.CreditAccountId != p.CreditAccountId ? CreateTransferResult.PendingTransferHasDifferentCreditAccountId
            : t.Ledger != 0 && t.Ledger != p.Ledger ? CreateTransferResult.PendingTransferHasDifferentLedger
            : t.Code != 0 && t.Code != p.Code ? CreateTransferResult.PendingTransferHasDifferentCode
            : (CreateTransferResult?)null;
        if (failure is { } g)
        {
            return g;
        }

        var amount = t.Amount == Transfer.AmountMax ? p.Amount : t.Amount;
        if (post && amount > p.Amount)
        {
            return CreateTransferResult.ExceedsPendingTransferAmount;
        }

        if (voided && amount != p.Amount)
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
            UserData128 = t.UserData128 == UInt128.Zero ? p.UserData128 : t.UserData128,
            UserData64 = t.UserData64 == 0 ? p.UserData64 : t.UserData64,
            UserData32 = t.UserData32 == 0 ? p.UserData32 : t.UserData32,
            Ledger = p.Ledger,
            Code = p.Code,
            Flags = t.Flags,
            Timestamp = timestamp,
        };
        if (state.Transfers.TryGetValue(t.Id, out var e))
        {
            return Compare(resolved, e, amountIsAtMost: false);
        }

        var status = state.Pending[p.Id];
        switch (status.Status)
        {
            case ModelStatus.Posted:
                return CreateTransferResult.PendingTransferAlreadyPosted;
            case ModelStatus.Voided:
                return CreateTransferResult.PendingTransferAlreadyVoided;
            case ModelStatus.Expired:
                return CreateTransferResult.PendingTransferExpired;
            case ModelStatus.Pending when status.ExpiresAt != 0 && timestamp >= status.ExpiresAt:
                return CreateTransferResult.PendingTransferExpired;
            default:
                break;
        }

        if (post && state.Accounts[p.DebitAccountId].Closed && !p.Flags.HasFlag(TransferFlags.ClosingDebit))
        {
            return CreateTransferResult.DebitAccountAlreadyClosed;
        }

        if (post && state.Accounts[p.CreditAccountId].Closed && !p.Flags.HasFlag(TransferFlags.ClosingCredit))
        {
            return CreateTransferResult.CreditAccountAlreadyClosed;
        }

        Release(p, post, amount);
        state.Pending[p.Id] = status with { Status = post ? ModelStatus.Posted : ModelStatus.Voided };
        state.Transfers[t.Id] = resolved;
        state.Log.Add(t.Id);
        return CreateTransferResult.Created;
    }

    /// <summary>Drops a pending transfer's hold, posts <paramref name="amount"/> if posting, and reopens what a voided or expired closing transfer closed.</summary>
    private void Release(in Transfer p, bool posted, UInt128 amount)
    {
        var dr = state.Accounts[p.DebitAccountId];
        var cr = state.Accounts[p.CreditAccountId];
        dr.DebitsPending -= p.Amount;
        cr.CreditsPending -= p.Amount;
        if (posted)
        {
            dr.DebitsPosted += amount;
            cr.CreditsPosted += amount;
        }
        else
        {
            dr.Closed &= !p.Flags.HasFlag(TransferFlags.ClosingDebit);
            cr.Closed &= !p.Flags.HasFlag(TransferFlags.ClosingCredit);
        }
    }

    private static CreateTransferResult Compare(in Transfer t, in Transfer e, bool amountIsAtMost) =>
        t.Flags != e.Flags ? CreateTransferResult.ExistsWithDifferentFlags
        : t.PendingId != e.PendingId ? CreateTransferResult.ExistsWithDifferentPendingId
        : t.TimeoutSeconds != e.TimeoutSeconds ? CreateTransferResult.ExistsWithDifferentTimeout
        : t.DebitAccountId != e.DebitAccountId ? CreateTransferResult.ExistsWithDifferentDebitAccountId
        : t.CreditAccountId != e.CreditAccountId ? CreateTransferResult.ExistsWithDifferentCreditAccountId
        : (amountIsAtMost ? t.Amount < e.Amount : t.Amount != e.Amount) ? CreateTransferResult.ExistsWithDifferentAmount
        : t.UserData128 != e.UserData128 ? CreateTransferResult.ExistsWithDifferentUserData128
        : t.UserData64 != e.UserData64 ? CreateTransferResult.ExistsWithDifferentUserData64
        : t.UserData32 != e.UserData32 ? CreateTransferResult.ExistsWithDifferentUserData32
        : t.Ledger != e.Ledger ? CreateTransferResult.ExistsWithDifferentLedger
        : t.Code != e.Code ? CreateTransferResult.ExistsWithDifferentCode
        : CreateTransferResult.Exists;

    private sealed class State
    {
        public Dictionary<UInt128, ModelAccount> Accounts { get; init; } = [];
        public Dictionary<UInt128, Transfer> Transfers { get; init; } = [];
        public Dictionary<UInt128, ModelPending> Pending { get; init; } = [];
        public List<UInt128> Log { get; init; } = [];
        public ulong LastTimestamp { get; set; }

        /// <summary>A deep copy: a handful of accounts and a few hundred transfers at most.</summary>
        public State Clone() =>
            new()
            {
                Accounts = Accounts.ToDictionary(a => a.Key, a => a.Value.Clone()),
                Transfers = new Dictionary<UInt128, Transfer>(Transfers),
                Pending = new Dictionary<UInt128, ModelPending>(Pending),
                Log = [.. Log],
                LastTimestamp = LastTimestamp,
            };
    }
}

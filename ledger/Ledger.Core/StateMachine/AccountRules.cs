using Ledger.Core.Domain;

namespace Ledger.Core.StateMachine;

/// <summary>The rules for one account event, after TigerBeetle's create_account.</summary>
internal static class AccountRules
{
    /// <summary>The flags a new account may carry; <c>closed</c> is set only by a closing transfer.</summary>
    private const AccountFlags Creatable =
        AccountFlags.Linked | AccountFlags.DebitsMustNotExceedCredits | AccountFlags.CreditsMustNotExceedDebits | AccountFlags.History;

    private const AccountFlags BothLimits = AccountFlags.DebitsMustNotExceedCredits | AccountFlags.CreditsMustNotExceedDebits;

    public static CreateAccountResult Create(WorkingSet set, in Account a, ulong timestamp)
    {
        if (a.Id == UInt128.Zero)
        {
            return CreateAccountResult.IdMustNotBeZero;
        }

        if (a.Id == UInt128.MaxValue)
        {
            return CreateAccountResult.IdMustNotBeIntMax;
        }

        if ((a.Flags & ~Creatable) != 0)
        {
            return CreateAccountResult.ReservedFlag;
        }

        if ((a.Flags & BothLimits) == BothLimits)
        {
            return CreateAccountResult.FlagsAreMutuallyExclusive;
        }

        if (a.DebitsPending != UInt128.Zero || a.DebitsPosted != UInt128.Zero || a.CreditsPending != UInt128.Zero || a.CreditsPosted != UInt128.Zero)
        {
            return CreateAccountResult.BalancesMustBeZero;
        }

        if (a.Ledger == 0)
        {
            return CreateAccountResult.LedgerMustNotBeZero;
        }

        if (a.Code == 0)
        {
            return CreateAccountResult.CodeMustNotBeZero;
        }

        if (set.Accounts.TryGetValue(a.Id, out var e))
        {
            return CompareExisting(a, e);
        }

        set.AddAccount(a with { Flags = a.Flags & ~AccountFlags.Linked, Timestamp = timestamp });
        return CreateAccountResult.Created;
    }

    private static CreateAccountResult CompareExisting(in Account a, in Account e)
    {
        // Closed is a state the account reached later, not part of what was asked for.
        const AccountFlags Compared = BothLimits | AccountFlags.History;
        if ((a.Flags & Compared) != (e.Flags & Compared))
        {
            return CreateAccountResult.ExistsWithDifferentFlags;
        }

        if (a.UserData128 != e.UserData128)
        {
            return CreateAccountResult.ExistsWithDifferentUserData128;
        }

        if (a.UserData64 != e.UserData64)
        {
            return CreateAccountResult.ExistsWithDifferentUserData64;
        }

        if (a.UserData32 != e.UserData32)
        {
            return CreateAccountResult.ExistsWithDifferentUserData32;
        }

        if (a.Ledger != e.Ledger)
        {
            return CreateAccountResult.ExistsWithDifferentLedger;
        }

        return a.Code != e.Code ? CreateAccountResult.ExistsWithDifferentCode : CreateAccountResult.Exists;
    }
}

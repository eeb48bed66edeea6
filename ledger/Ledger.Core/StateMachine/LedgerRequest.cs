using Ledger.Core.Domain;

namespace Ledger.Core.StateMachine;

/// <summary>One client request: a run of events that commits in one batch, possibly beside other requests.</summary>
public abstract record LedgerRequest
{
    public abstract int EventCount { get; }
}

/// <param name="Transfers">The events, in order.</param>
/// <param name="Principal">The participant that must own every debited account; zero for the operator.</param>
public sealed record CreateTransfersRequest(IReadOnlyList<Transfer> Transfers, UInt128 Principal) : LedgerRequest
{
    public override int EventCount => Transfers.Count;
}

public sealed record CreateAccountsRequest(IReadOnlyList<Account> Accounts) : LedgerRequest
{
    public override int EventCount => Accounts.Count;
}

public readonly record struct TransferEventResult(int Index, UInt128 Id, CreateTransferResult Result, ulong Timestamp);

public readonly record struct AccountEventResult(int Index, UInt128 Id, CreateAccountResult Result, ulong Timestamp);

/// <summary>
/// The results of one transfers request. When <see cref="ForbiddenIndex"/> is not negative the caller
/// may not debit the account of that event, and nothing of the request was committed.
/// </summary>
public sealed record CreateTransfersOutcome(IReadOnlyList<TransferEventResult> Results, int ForbiddenIndex)
{
    public bool Forbidden => ForbiddenIndex >= 0;
}

public sealed record CreateAccountsOutcome(IReadOnlyList<AccountEventResult> Results);

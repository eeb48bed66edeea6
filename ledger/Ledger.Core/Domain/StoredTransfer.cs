namespace Ledger.Core.Domain;

/// <summary>A committed transfer with its place in the log and, for a pending transfer, its state.</summary>
public readonly record struct StoredTransfer(Transfer Transfer, ulong LogIndex, PendingState? Pending);

/// <summary>An account's balances right after a transfer, kept for accounts with the history flag.</summary>
public readonly record struct AccountBalance(
    UInt128 AccountId,
    ulong Timestamp,
    UInt128 DebitsPending,
    UInt128 DebitsPosted,
    UInt128 CreditsPending,
    UInt128 CreditsPosted);

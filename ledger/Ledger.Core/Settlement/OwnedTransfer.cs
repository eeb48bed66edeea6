using Ledger.Core.Domain;

namespace Ledger.Core.Settlement;

/// <summary>A committed transfer with the owners (participants) of its debit and credit accounts.</summary>
public readonly record struct OwnedTransfer(ulong LogIndex, Transfer Transfer, UInt128 DebitOwnerId, UInt128 CreditOwnerId);

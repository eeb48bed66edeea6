using System.Numerics;
using Ledger.Chain.Abi;

namespace Ledger.Chain.Contracts;

/// <summary>SettlementEscrow.escrows(id).</summary>
public sealed record EscrowRecord(
    Address Payer, Address Payee, Address Token, BigInteger Amount, ulong Deadline, Address Arbiter, EscrowState State);

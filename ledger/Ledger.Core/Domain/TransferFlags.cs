namespace Ledger.Core.Domain;

/// <summary>Transfer flags; the bit positions are the record's (PROOFS.md) and TigerBeetle's.</summary>
[Flags]
public enum TransferFlags : ushort
{
    None = 0,
    Linked = 1 << 0,
    Pending = 1 << 1,
    PostPending = 1 << 2,
    VoidPending = 1 << 3,
    BalancingDebit = 1 << 4,
    BalancingCredit = 1 << 5,
    ClosingDebit = 1 << 6,
    ClosingCredit = 1 << 7,
}

public static class TransferFlagsExtensions
{
    public const TransferFlags Defined = (TransferFlags)0xFF;
}

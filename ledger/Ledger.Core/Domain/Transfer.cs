namespace Ledger.Core.Domain;

/// <summary>
/// An immutable transfer: the 128-byte record of PROOFS.md, field for field.
/// As a request, <see cref="Amount"/> = <see cref="AmountMax"/> means "the whole amount" for a
/// post or void and "as much as possible" for a balancing transfer; the stored transfer always holds
/// the amount that actually moved.
/// </summary>
public readonly record struct Transfer
{
    public static readonly UInt128 AmountMax = UInt128.MaxValue;

    public required UInt128 Id { get; init; }
    public UInt128 DebitAccountId { get; init; }
    public UInt128 CreditAccountId { get; init; }
    public UInt128 Amount { get; init; }
    public UInt128 PendingId { get; init; }
    public UInt128 UserData128 { get; init; }
    public ulong UserData64 { get; init; }
    public uint UserData32 { get; init; }
    public uint TimeoutSeconds { get; init; }
    public uint Ledger { get; init; }
    public ushort Code { get; init; }
    public TransferFlags Flags { get; init; }
    public ulong Timestamp { get; init; }
}

namespace Ledger.Core.Domain;

/// <summary>
/// An account as TigerBeetle models it. <see cref="UserData128"/> holds the owning participant's id.
/// Balances are in the ledger's minor units.
/// </summary>
public readonly record struct Account
{
    public required UInt128 Id { get; init; }
    public UInt128 DebitsPending { get; init; }
    public UInt128 DebitsPosted { get; init; }
    public UInt128 CreditsPending { get; init; }
    public UInt128 CreditsPosted { get; init; }
    public UInt128 UserData128 { get; init; }
    public ulong UserData64 { get; init; }
    public uint UserData32 { get; init; }
    public required uint Ledger { get; init; }
    public required ushort Code { get; init; }
    public AccountFlags Flags { get; init; }
    public ulong Timestamp { get; init; }
}

namespace Ledger.Core.Escrows;

/// <summary>
/// Where an escrow's tokens come from. <see cref="Treasury"/>: a bank locks funds of its own ledger account;
/// on chain the treasury (the node's address) pays into the escrow for an outside payee. <see cref="Permit"/>:
/// an outside wallet pays into the escrow with an EIP-2612 permit; on chain the payee is the treasury and, on
/// release, the merchant's ledger account is credited.
/// </summary>
public enum EscrowFunding : byte
{
    Treasury = 1,
    Permit = 2,
}

/// <summary>
/// An escrow's life in the system of record. <c>Opening</c> (recorded; its open transaction is not final on
/// chain yet) → <c>Open</c> → <c>Releasing</c> or <c>Refunding</c> (asked for; the transaction is being sent)
/// → <c>Released</c> or <c>Refunded</c> (the chain says so). <c>Failed</c>: the open never happened (the
/// ledger refused the mirror, or the open transaction reverted); the mirror is voided.
/// </summary>
public enum EscrowStatus : byte
{
    Opening = 0,
    Open = 1,
    Releasing = 2,
    Refunding = 3,
    Released = 4,
    Refunded = 5,
    Failed = 6,
}

/// <summary>What the recorded transaction of an escrow does: the contract function it calls.</summary>
public enum EscrowTxKind : byte
{
    Open = 1,
    Release = 2,
    Refund = 3,
}

/// <summary>
/// An EIP-2612 permit signed by the paying wallet for exactly the escrow's token amount, spender the
/// SettlementEscrow contract. <see cref="Deadline"/> is in unix seconds; <see cref="R"/> and <see cref="S"/>
/// are 32 bytes each.
/// </summary>
public sealed record EscrowPermit(ulong Deadline, byte V, byte[] R, byte[] S)
{
    /// <summary>The length of <see cref="R"/> and of <see cref="S"/>.</summary>
    public const int SignatureWordBytes = 32;
}

/// <summary>
/// An escrow as recorded. <see cref="Amount"/> is in the ledger's minor units and <see cref="TokenAmount"/>
/// the same value in the token's base units; the ledger mirrors it with one pending transfer
/// (<see cref="EscrowLegs.Mirror"/>) between <see cref="AccountId"/> and the operator's escrow account
/// <see cref="EscrowAccountId"/>. <see cref="Payer"/>, <see cref="Payee"/> and <see cref="Arbiter"/> are
/// 20-byte addresses; <see cref="Deadline"/> is a whole second (the contract keeps unix seconds).
/// </summary>
/// <remarks>
/// The transaction fields (<see cref="TxKind"/>, <see cref="TxHash"/>, <see cref="RawTx"/>,
/// <see cref="Nonce"/>) hold the last transaction signed for the current step, recorded before it is sent;
/// <see cref="Attempts"/> counts the transactions signed for that step. <see cref="OpenedBlock"/> is set
/// from Open on, <see cref="ClosedBlock"/> and <see cref="ClosedTxHash"/> once Released or Refunded.
/// </remarks>
public sealed record Escrow(
    UInt128 Id,
    UInt128 ParticipantId,
    EscrowFunding Funding,
    UInt128 AccountId,
    UInt128 EscrowAccountId,
    uint Ledger,
    UInt128 Amount,
    UInt128 TokenAmount,
    byte[] Payer,
    byte[] Payee,
    byte[] Arbiter,
    DateTimeOffset Deadline,
    EscrowPermit? Permit,
    EscrowStatus Status,
    string? FailureReason,
    EscrowTxKind? TxKind,
    byte[]? TxHash,
    byte[]? RawTx,
    ulong? Nonce,
    int Attempts,
    ulong? OpenedBlock,
    ulong? ClosedBlock,
    byte[]? ClosedTxHash,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt)
{
    /// <summary>An Ethereum address.</summary>
    public const int AddressBytes = 20;

    /// <summary>
    /// The most a stored unix-seconds value (the deadline, the permit's deadline) may be: the stores keep
    /// them in signed 64-bit columns.
    /// </summary>
    public const ulong SecondsMax = long.MaxValue;

    /// <summary>True while the escrow still has work ahead (Opening, Open, Releasing, Refunding).</summary>
    public bool IsActive => Status <= EscrowStatus.Refunding;

    /// <summary>
    /// Throws for an escrow no store may record as new: it must be Opening with no transaction, no block
    /// and no failure, 20-byte addresses, a deadline in whole seconds, a known funding, and a well-formed
    /// permit exactly when the funding is <see cref="EscrowFunding.Permit"/>. The caller's bug otherwise.
    /// </summary>
    public void ValidateNew()
    {
        ArgumentNullException.ThrowIfNull(Payer);
        ArgumentNullException.ThrowIfNull(Payee);
        ArgumentNullException.ThrowIfNull(Arbiter);
        if (Payer.Length != AddressBytes || Payee.Length != AddressBytes || Arbiter.Length != AddressBytes)
        {
            throw new ArgumentException($"An escrow's payer, payee and arbiter are {AddressBytes}-byte addresses.");
        }

        if (!Enum.IsDefined(Funding))
        {
            throw new ArgumentException($"Unknown escrow funding {Funding}.");
        }

        if (Status != EscrowStatus.Opening || FailureReason is not null || TxKind is not null || TxHash is not null || RawTx is not null
            || Nonce is not null || Attempts != 0 || OpenedBlock is not null || ClosedBlock is not null || ClosedTxHash is not null)
        {
            throw new ArgumentException("A new escrow is Opening, without a transaction, a block or a failure reason.");
        }

        if (Deadline.UtcTicks % TimeSpan.TicksPerSecond != 0 || Deadline < DateTimeOffset.UnixEpoch)
        {
            throw new ArgumentException($"An escrow's deadline is a whole second after 1970, not {Deadline:O}.");
        }

        if ((Funding == EscrowFunding.Permit) != (Permit is not null))
        {
            throw new ArgumentException("An escrow has a permit exactly when it is funded by one.");
        }

        if (Permit is not null && !IsWellFormed(Permit))
        {
            throw new ArgumentException($"A permit's r and s are {EscrowPermit.SignatureWordBytes} bytes and its deadline at most {SecondsMax}.");
        }
    }

    /// <summary>r and s of 32 bytes, a deadline a store can keep.</summary>
    public static bool IsWellFormed(EscrowPermit permit)
    {
        ArgumentNullException.ThrowIfNull(permit);
        return permit.R is { Length: EscrowPermit.SignatureWordBytes }
            && permit.S is { Length: EscrowPermit.SignatureWordBytes }
            && permit.Deadline <= SecondsMax;
    }
}

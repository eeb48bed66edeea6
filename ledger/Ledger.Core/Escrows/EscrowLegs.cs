using Ledger.Core.Domain;
using Ledger.Core.Payments;

namespace Ledger.Core.Escrows;

/// <summary>
/// The ledger transfers of an escrow: one pending mirror of the tokens held in SettlementEscrow, committed
/// when the escrow is recorded, then its post once the chain says Released, or its void when the chain says
/// Refunded or the open never happened. The ids are derived from the escrow id
/// (<see cref="PaymentLegs.Derive"/>), so each step can be repeated after a crash and answers <c>exists</c>
/// instead of moving money twice. Each carries the escrow id in user_data_128.
/// </summary>
/// <remarks>
/// Treasury funding: the bank's account → the operator's escrow account. The bank's funds are reserved
/// while the treasury's tokens are locked on chain, and spent when they are released to the outside payee;
/// a refund returns the tokens to the treasury and the void returns the funds to the bank.
/// Permit funding: the operator's escrow account → the merchant's account. The merchant sees the amount
/// coming while an outside wallet's tokens are locked, and has it when they are released to the treasury;
/// a refund returns the tokens to the wallet and the void takes nothing from anyone.
/// </remarks>
public static class EscrowLegs
{
    /// <summary>The mirror: pending, between the escrow's account and the operator's escrow account.</summary>
    public const ushort MirrorCode = 3001;

    public static UInt128 MirrorId(UInt128 escrowId) => PaymentLegs.Derive("escrow/mirror", escrowId);

    public static UInt128 PostId(UInt128 escrowId) => PaymentLegs.Derive("escrow/post", escrowId);

    public static UInt128 VoidId(UInt128 escrowId) => PaymentLegs.Derive("escrow/void", escrowId);

    /// <summary>The pending mirror of <see cref="Escrow.Amount"/>, in the funding's direction, without a timeout: it ends only by the chain's outcome.</summary>
    public static Transfer Mirror(Escrow escrow)
    {
        ArgumentNullException.ThrowIfNull(escrow);
        var (debit, credit) = escrow.Funding switch
        {
            EscrowFunding.Treasury => (escrow.AccountId, escrow.EscrowAccountId),
            EscrowFunding.Permit => (escrow.EscrowAccountId, escrow.AccountId),
            _ => throw new ArgumentException($"Unknown escrow funding {escrow.Funding}.", nameof(escrow)),
        };
        return new Transfer
        {
            Id = MirrorId(escrow.Id),
            DebitAccountId = debit,
            CreditAccountId = credit,
            Amount = escrow.Amount,
            UserData128 = escrow.Id,
            Ledger = escrow.Ledger,
            Code = MirrorCode,
            Flags = TransferFlags.Pending,
        };
    }

    /// <summary>Posts the whole mirror (released) or voids it (refunded, or never opened).</summary>
    public static Transfer Resolve(UInt128 escrowId, bool post) => new()
    {
        Id = post ? PostId(escrowId) : VoidId(escrowId),
        PendingId = MirrorId(escrowId),
        Amount = Transfer.AmountMax,
        UserData128 = escrowId,
        Flags = post ? TransferFlags.PostPending : TransferFlags.VoidPending,
    };
}

using Ledger.Core.Domain;
using Ledger.Core.Payments;

namespace Ledger.Core.Tokens;

/// <summary>
/// The operator's accounts that token movements run through, one of each per currency ledger, with ids
/// derived from the ledger number (<see cref="PaymentLegs.Derive"/>) so every node names the same
/// account without configuration and creating one again answers <c>exists</c>.
/// </summary>
/// <remarks>
/// Payout clearing: credited by a payout's hold, posted once the tokens left the treasury on chain.
/// Escrow: the counterpart of every escrow's mirrored transfer (tokens locked in SettlementEscrow).
/// Neither carries a balance limit: both stand for tokens outside the ledger.
/// </remarks>
public static class OperatorAccounts
{
    /// <summary>Account code payout_clearing (API.md).</summary>
    public const ushort PayoutClearingCode = 5;

    /// <summary>Account code escrow (API.md).</summary>
    public const ushort EscrowCode = 6;

    public static UInt128 PayoutClearingId(uint ledger) => PaymentLegs.Derive("operator/payout-clearing", ledger);

    public static UInt128 EscrowId(uint ledger) => PaymentLegs.Derive("operator/escrow", ledger);

    public static Account PayoutClearing(UInt128 operatorId, uint ledger) => new()
    {
        Id = PayoutClearingId(ledger),
        UserData128 = operatorId,
        Ledger = ledger,
        Code = PayoutClearingCode,
    };

    public static Account Escrow(UInt128 operatorId, uint ledger) => new()
    {
        Id = EscrowId(ledger),
        UserData128 = operatorId,
        Ledger = ledger,
        Code = EscrowCode,
    };
}

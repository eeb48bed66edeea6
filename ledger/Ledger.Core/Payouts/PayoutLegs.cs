using Ledger.Core.Domain;
using Ledger.Core.Payments;

namespace Ledger.Core.Payouts;

/// <summary>
/// The ledger transfers of a payout: a pending hold from the paying account to payout clearing when the
/// payout is accepted, then its post once the chain says the batch is final, or its void when the batch
/// failed. The ids are derived from the payout id (<see cref="PaymentLegs.Derive"/>), so each step can be
/// repeated after a crash and answers <c>exists</c> instead of moving money twice. Each carries the payout
/// id in user_data_128.
/// </summary>
public static class PayoutLegs
{
    /// <summary>The hold: paying account → payout clearing, pending.</summary>
    public const ushort HoldCode = 2001;

    public static UInt128 HoldId(UInt128 payoutId) => PaymentLegs.Derive("payout/hold", payoutId);

    public static UInt128 PostId(UInt128 payoutId) => PaymentLegs.Derive("payout/post", payoutId);

    public static UInt128 VoidId(UInt128 payoutId) => PaymentLegs.Derive("payout/void", payoutId);

    /// <summary>The pending hold of <paramref name="amount"/>, without a timeout: it ends only by the chain's outcome.</summary>
    public static Transfer Hold(UInt128 payoutId, UInt128 accountId, UInt128 clearingAccountId, uint ledger, UInt128 amount) => new()
    {
        Id = HoldId(payoutId),
        DebitAccountId = accountId,
        CreditAccountId = clearingAccountId,
        Amount = amount,
        UserData128 = payoutId,
        Ledger = ledger,
        Code = HoldCode,
        Flags = TransferFlags.Pending,
    };

    /// <summary>Posts the whole hold (the payout is paid) or voids it (the funds are back).</summary>
    public static Transfer Resolve(UInt128 payoutId, bool post) => new()
    {
        Id = post ? PostId(payoutId) : VoidId(payoutId),
        PendingId = HoldId(payoutId),
        Amount = Transfer.AmountMax,
        UserData128 = payoutId,
        Flags = post ? TransferFlags.PostPending : TransferFlags.VoidPending,
    };
}

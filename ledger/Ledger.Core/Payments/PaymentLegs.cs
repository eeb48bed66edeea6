using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Ledger.Core.Domain;

namespace Ledger.Core.Payments;

/// <summary>
/// The ledger transfers of a payment and of its refunds. Their ids are derived from the payment's (or the
/// refund's) id, so committing them again after a crash or a retry finds them (<c>exists</c>) instead of
/// moving money twice, and anyone can tell from a payment id which transfers are its legs.
/// </summary>
/// <remarks>
/// A leg id is the first 16 bytes of SHA-256("ledger/payment/v1/" + purpose + 16 id bytes, network
/// order), marked as a UUID of version 8 (RFC 9562 §5.8). Every leg carries the payment's id in
/// user_data_128 and its leg number in user_data_32.
/// </remarks>
public static class PaymentLegs
{
    /// <summary>Debtor → FX liquidity of the sell currency.</summary>
    public const ushort SellLegCode = 1001;

    /// <summary>FX liquidity of the buy currency → creditor.</summary>
    public const ushort BuyLegCode = 1002;

    /// <summary>Debtor → fee income, in the sell currency.</summary>
    public const ushort FeeLegCode = 1003;

    /// <summary>Creditor → FX liquidity of the buy currency (a refund).</summary>
    public const ushort RefundBuyLegCode = 1011;

    /// <summary>FX liquidity of the sell currency → debtor (a refund).</summary>
    public const ushort RefundSellLegCode = 1012;

    /// <summary>Fee income → debtor (a refund).</summary>
    public const ushort RefundFeeLegCode = 1013;

    /// <summary>The payment's legs, in order: sell, buy, and fee when there is one.</summary>
    public static IReadOnlyList<UInt128> LegIds(Payment payment)
    {
        ArgumentNullException.ThrowIfNull(payment);
        return payment.FeeAmount == UInt128.Zero
            ? [Derive("leg/1", payment.Id), Derive("leg/2", payment.Id)]
            : [Derive("leg/1", payment.Id), Derive("leg/2", payment.Id), Derive("leg/3", payment.Id)];
    }

    /// <summary>The transfers that post a held payment's pending legs, one per leg.</summary>
    public static IReadOnlyList<UInt128> PostIds(Payment payment) => ResolutionIds(payment, "post");

    /// <summary>The transfers that void a held payment's pending legs, one per leg.</summary>
    public static IReadOnlyList<UInt128> VoidIds(Payment payment) => ResolutionIds(payment, "void");

    private static UInt128[] ResolutionIds(Payment payment, string purpose)
    {
        ArgumentNullException.ThrowIfNull(payment);
        var legs = LegIds(payment);
        var ids = new UInt128[legs.Count];
        for (var i = 0; i < ids.Length; i++)
        {
            ids[i] = Derive($"{purpose}/{i + 1}", payment.Id);
        }

        return ids;
    }

    /// <summary>
    /// A refund's legs, in order: buy back, then sell back and fee back when their amounts are not zero
    /// (a small partial refund may round the sell share down to nothing).
    /// </summary>
    public static IReadOnlyList<UInt128> RefundLegIds(Refund refund)
    {
        ArgumentNullException.ThrowIfNull(refund);
        var ids = new List<UInt128>(3) { Derive("refund/buy", refund.Id) };
        if (refund.SellAmount != UInt128.Zero)
        {
            ids.Add(Derive("refund/sell", refund.Id));
        }

        if (refund.FeeAmount != UInt128.Zero)
        {
            ids.Add(Derive("refund/fee", refund.Id));
        }

        return ids;
    }

    /// <summary>
    /// The payment's legs as one linked chain; pending (holds that expire after <paramref name="holdTimeoutSeconds"/>)
    /// when the payment is held for review.
    /// </summary>
    public static Transfer[] Legs(Payment payment, bool pending, uint holdTimeoutSeconds)
    {
        ArgumentNullException.ThrowIfNull(payment);
        var ids = LegIds(payment);
        var flags = pending ? TransferFlags.Pending : TransferFlags.None;
        var legs = new Transfer[ids.Count];
        legs[0] = Leg(ids[0], payment.Id, 1, payment.DebtorAccountId, payment.LiquiditySellAccountId, payment.SellAmount, payment.SellLedger, SellLegCode, flags, pending ? holdTimeoutSeconds : 0);
        legs[1] = Leg(ids[1], payment.Id, 2, payment.LiquidityBuyAccountId, payment.CreditorAccountId, payment.BuyAmount, payment.BuyLedger, BuyLegCode, flags, pending ? holdTimeoutSeconds : 0);
        if (ids.Count == 3)
        {
            legs[2] = Leg(ids[2], payment.Id, 3, payment.DebtorAccountId, payment.FeeAccountId, payment.FeeAmount, payment.SellLedger, FeeLegCode, flags, pending ? holdTimeoutSeconds : 0);
        }

        return Link(legs);
    }

    /// <summary>Posts (or voids) every pending leg of a held payment, as one linked chain.</summary>
    public static Transfer[] Resolution(Payment payment, bool post)
    {
        ArgumentNullException.ThrowIfNull(payment);
        var pendingIds = LegIds(payment);
        var ids = post ? PostIds(payment) : VoidIds(payment);
        var flag = post ? TransferFlags.PostPending : TransferFlags.VoidPending;
        var legs = new Transfer[ids.Count];
        for (var i = 0; i < ids.Count; i++)
        {
            // Accounts, ledger, code and amount come from the pending transfer.
            legs[i] = new Transfer
            {
                Id = ids[i],
                PendingId = pendingIds[i],
                Amount = Transfer.AmountMax,
                UserData128 = payment.Id,
                UserData32 = (uint)(i + 1),
                Flags = flag,
            };
        }

        return Link(legs);
    }

    /// <summary>A refund's legs as one linked chain.</summary>
    public static Transfer[] RefundLegs(Refund refund, Payment payment)
    {
        ArgumentNullException.ThrowIfNull(refund);
        ArgumentNullException.ThrowIfNull(payment);
        var legs = new List<Transfer>(3)
        {
            Leg(Derive("refund/buy", refund.Id), payment.Id, 11, payment.CreditorAccountId, payment.LiquidityBuyAccountId, refund.BuyAmount, payment.BuyLedger, RefundBuyLegCode, TransferFlags.None, 0),
        };
        if (refund.SellAmount != UInt128.Zero)
        {
            legs.Add(Leg(Derive("refund/sell", refund.Id), payment.Id, 12, payment.LiquiditySellAccountId, payment.DebtorAccountId, refund.SellAmount, payment.SellLedger, RefundSellLegCode, TransferFlags.None, 0));
        }

        if (refund.FeeAmount != UInt128.Zero)
        {
            legs.Add(Leg(Derive("refund/fee", refund.Id), payment.Id, 13, payment.FeeAccountId, payment.DebtorAccountId, refund.FeeAmount, payment.SellLedger, RefundFeeLegCode, TransferFlags.None, 0));
        }

        return Link([.. legs]);
    }

    /// <summary>The id for a purpose and a payment (or refund) id: SHA-256, first 16 bytes, UUID version 8.</summary>
    public static UInt128 Derive(string purpose, UInt128 id)
    {
        ArgumentNullException.ThrowIfNull(purpose);
        var prefix = Encoding.ASCII.GetBytes("ledger/payment/v1/" + purpose);
        var input = new byte[prefix.Length + 16];
        prefix.CopyTo(input, 0);
        BinaryPrimitives.WriteUInt128BigEndian(input.AsSpan(prefix.Length), id);
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(input, hash);
        hash[6] = (byte)((hash[6] & 0x0F) | 0x80);
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80);
        return BinaryPrimitives.ReadUInt128BigEndian(hash[..16]);
    }

    private static Transfer Leg(UInt128 id, UInt128 paymentId, uint leg, UInt128 debit, UInt128 credit, UInt128 amount, uint ledger, ushort code, TransferFlags flags, uint timeout) => new()
    {
        Id = id,
        DebitAccountId = debit,
        CreditAccountId = credit,
        Amount = amount,
        UserData128 = paymentId,
        UserData32 = leg,
        Ledger = ledger,
        Code = code,
        Flags = flags,
        TimeoutSeconds = timeout,
    };

    private static Transfer[] Link(Transfer[] legs)
    {
        for (var i = 0; i < legs.Length - 1; i++)
        {
            legs[i] = legs[i] with { Flags = legs[i].Flags | TransferFlags.Linked };
        }

        return legs;
    }
}

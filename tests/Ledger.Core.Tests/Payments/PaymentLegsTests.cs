using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Ledger.Core.Domain;
using Ledger.Core.Payments;
using Ledger.Core.Risk;

namespace Ledger.Core.Tests.Payments;

/// <summary>
/// The ledger transfers of payments and refunds, without a store: ids derived the documented way (so a
/// crash or retry finds the same transfers), one linked chain per payment, pending legs that lapse after
/// the hold timeout, resolutions that name the pending legs, and refund legs only for shares that are not zero.
/// </summary>
public sealed class PaymentLegsTests
{
    private const uint Usd = 840, Eur = 978;
    private const uint HoldTimeoutSeconds = 3_600;
    private static readonly DateTimeOffset At = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly string[] Purposes = ["leg/1", "leg/2", "leg/3", "post/1", "post/2", "post/3", "void/1", "void/2", "void/3", "refund/buy", "refund/sell", "refund/fee"];

    [Fact]
    public void A_leg_id_is_the_first_sixteen_bytes_of_the_documented_sha256_marked_version_8()
    {
        // Worked outside .NET (Python hashlib) from the rule in PaymentLegs' remarks: ids already in
        // ledgers depend on it, so it must never drift.
        Assert.Equal(Hex("9ee4c02b39b187c5a214f36d0ec38bad"), PaymentLegs.Derive("leg/1", 1));
        Assert.Equal(Hex("14c0e48d09d5881faf8fbf6f5c4c0f21"), PaymentLegs.Derive("refund/buy", Hex("0123456789abcdef0123456789abcdef")));

        // And for other ids, recomputed here from the same rule.
        foreach (var id in new[] { UInt128.Zero, UInt128.One, (UInt128)0xA11CE, UInt128.MaxValue, UInt128.One << 127 })
        {
            foreach (var purpose in Purposes)
            {
                Assert.Equal(ByTheRule(purpose, id), PaymentLegs.Derive(purpose, id));
            }
        }
    }

    [Fact]
    public void Ids_are_deterministic_for_a_payment_and_a_refund()
    {
        var payment = Payment(0xBEEF, fee: 25);
        var again = Payment(0xBEEF, fee: 25) with { Reference = 99, CreatedAt = At.AddDays(3) };
        Assert.Equal(PaymentLegs.LegIds(payment), PaymentLegs.LegIds(again));
        Assert.Equal(PaymentLegs.PostIds(payment), PaymentLegs.PostIds(again));
        Assert.Equal(PaymentLegs.VoidIds(payment), PaymentLegs.VoidIds(again));
        Assert.Equal(PaymentLegs.Legs(payment, pending: true, HoldTimeoutSeconds), PaymentLegs.Legs(again, pending: true, HoldTimeoutSeconds));

        var refund = Refund(0xF00D, payment.Id, sell: 10, fee: 1);
        Assert.Equal(PaymentLegs.RefundLegIds(refund), PaymentLegs.RefundLegIds(refund with { Reference = 5 }));
        Assert.Equal(PaymentLegs.RefundLegs(refund, payment), PaymentLegs.RefundLegs(refund, again));
    }

    [Fact]
    public void Ids_are_distinct_across_purposes_and_across_payments_and_refunds()
    {
        var ids = new List<UInt128>();
        foreach (var paymentId in new UInt128[] { 1, 2, 0xBEEF, UInt128.MaxValue })
        {
            var payment = Payment(paymentId, fee: 25);
            ids.AddRange(PaymentLegs.LegIds(payment));
            ids.AddRange(PaymentLegs.PostIds(payment));
            ids.AddRange(PaymentLegs.VoidIds(payment));

            // A refund whose id equals a payment's id still gets ids of its own.
            ids.AddRange(PaymentLegs.RefundLegIds(Refund(paymentId, paymentId, sell: 10, fee: 1)));
        }

        Assert.Equal(4 * (3 + 3 + 3 + 3), ids.Count);
        Assert.Equal(ids.Count, ids.Distinct().Count());

        // Neither the payment's id nor a raw counter is ever used as a leg id.
        Assert.DoesNotContain((UInt128)1, ids);
        Assert.DoesNotContain((UInt128)2, ids);
    }

    [Fact]
    public void Every_id_is_a_uuid_of_version_8_with_the_rfc_9562_variant()
    {
        var payment = Payment(0x1234_5678_9ABC_DEF0, fee: 25);
        var refund = Refund(0x4242, payment.Id, sell: 10, fee: 1);
        UInt128[] ids =
        [
            .. PaymentLegs.LegIds(payment),
            .. PaymentLegs.PostIds(payment),
            .. PaymentLegs.VoidIds(payment),
            .. PaymentLegs.RefundLegIds(refund),
            PaymentLegs.Derive("leg/1", UInt128.Zero),
            PaymentLegs.Derive("leg/1", UInt128.MaxValue),
        ];
        foreach (var id in ids)
        {
            // Octet 6's high nibble is the version; octet 8's two high bits are the variant (10).
            Assert.Equal(8, (int)((id >> 76) & 0xF));
            Assert.Equal(0b10, (int)((id >> 62) & 0b11));

            var bytes = new byte[16];
            BinaryPrimitives.WriteUInt128BigEndian(bytes, id);
            var guid = new Guid(bytes, bigEndian: true);
            Assert.Equal(8, guid.Version);
            Assert.Equal(0b1000, guid.Variant & 0b1100);
        }
    }

    [Fact]
    public void A_payment_is_one_chain_linked_on_every_leg_but_the_last_with_its_accounts_amounts_and_numbers()
    {
        var payment = Payment(0xBEEF, fee: 25);
        var ids = PaymentLegs.LegIds(payment);
        var legs = PaymentLegs.Legs(payment, pending: false, HoldTimeoutSeconds);

        Assert.Equal(3, legs.Length);
        Assert.Equal(ids, legs.Select(static l => l.Id));
        Assert.Equal([TransferFlags.Linked, TransferFlags.Linked, TransferFlags.None], legs.Select(static l => l.Flags));
        Assert.All(legs, l => Assert.Equal((payment.Id, 0U, 0UL, UInt128.Zero, 0UL), (l.UserData128, l.TimeoutSeconds, l.Timestamp, l.PendingId, l.UserData64)));
        Assert.Equal(
            (payment.DebtorAccountId, payment.LiquiditySellAccountId, payment.SellAmount, Usd, PaymentLegs.SellLegCode, 1U),
            (legs[0].DebitAccountId, legs[0].CreditAccountId, legs[0].Amount, legs[0].Ledger, legs[0].Code, legs[0].UserData32));
        Assert.Equal(
            (payment.LiquidityBuyAccountId, payment.CreditorAccountId, payment.BuyAmount, Eur, PaymentLegs.BuyLegCode, 2U),
            (legs[1].DebitAccountId, legs[1].CreditAccountId, legs[1].Amount, legs[1].Ledger, legs[1].Code, legs[1].UserData32));
        Assert.Equal(
            (payment.DebtorAccountId, payment.FeeAccountId, payment.FeeAmount, Usd, PaymentLegs.FeeLegCode, 3U),
            (legs[2].DebitAccountId, legs[2].CreditAccountId, legs[2].Amount, legs[2].Ledger, legs[2].Code, legs[2].UserData32));
    }

    [Fact]
    public void A_payment_without_a_fee_has_two_legs_and_the_second_closes_the_chain()
    {
        var payment = Payment(0xBEEF, fee: 0);
        var legs = PaymentLegs.Legs(payment, pending: true, HoldTimeoutSeconds);

        Assert.Equal(2, PaymentLegs.LegIds(payment).Count);
        Assert.Equal(2, PaymentLegs.PostIds(payment).Count);
        Assert.Equal(2, PaymentLegs.VoidIds(payment).Count);
        Assert.Equal([TransferFlags.Pending | TransferFlags.Linked, TransferFlags.Pending], legs.Select(static l => l.Flags));
        Assert.Equal([PaymentLegs.SellLegCode, PaymentLegs.BuyLegCode], legs.Select(static l => l.Code));

        // The first two leg ids do not depend on whether there is a fee.
        Assert.Equal(PaymentLegs.LegIds(payment), PaymentLegs.LegIds(Payment(0xBEEF, fee: 25)).Take(2));
    }

    [Fact]
    public void Pending_legs_carry_the_hold_timeout_and_posted_legs_none()
    {
        var payment = Payment(0xBEEF, fee: 25);
        var pending = PaymentLegs.Legs(payment, pending: true, HoldTimeoutSeconds);
        var posted = PaymentLegs.Legs(payment, pending: false, HoldTimeoutSeconds);

        Assert.All(pending, static l => Assert.Equal((TransferFlags.Pending, HoldTimeoutSeconds), (l.Flags & TransferFlags.Pending, l.TimeoutSeconds)));
        Assert.All(posted, static l => Assert.Equal((TransferFlags.None, 0U), (l.Flags & TransferFlags.Pending, l.TimeoutSeconds)));

        // Same ids and amounts either way: a held payment's legs are the accepted payment's, reserved.
        Assert.Equal(posted.Select(static l => (l.Id, l.Amount, l.DebitAccountId, l.CreditAccountId)), pending.Select(static l => (l.Id, l.Amount, l.DebitAccountId, l.CreditAccountId)));
        Assert.Equal(7U, PaymentLegs.Legs(payment, pending: true, 7)[2].TimeoutSeconds);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void A_resolution_names_each_pending_leg_in_order_as_one_chain(bool post)
    {
        var payment = Payment(0xBEEF, fee: 25);
        var resolution = PaymentLegs.Resolution(payment, post);
        var flag = post ? TransferFlags.PostPending : TransferFlags.VoidPending;

        Assert.Equal(post ? PaymentLegs.PostIds(payment) : PaymentLegs.VoidIds(payment), resolution.Select(static t => t.Id));
        Assert.Equal(PaymentLegs.LegIds(payment), resolution.Select(static t => t.PendingId));
        Assert.Equal([flag | TransferFlags.Linked, flag | TransferFlags.Linked, flag], resolution.Select(static t => t.Flags));
        Assert.Equal([1U, 2U, 3U], resolution.Select(static t => t.UserData32));

        // The whole amount, and accounts, ledger and code left for the ledger to take from the pending leg.
        Assert.All(resolution, t => Assert.Equal(
            (Transfer.AmountMax, payment.Id, UInt128.Zero, UInt128.Zero, 0U, (ushort)0, 0U),
            (t.Amount, t.UserData128, t.DebitAccountId, t.CreditAccountId, t.Ledger, t.Code, t.TimeoutSeconds)));
        Assert.Empty(PaymentLegs.PostIds(payment).Intersect(PaymentLegs.VoidIds(payment)));
    }

    [Fact]
    public void A_refund_returns_buy_sell_and_fee_as_one_chain()
    {
        var payment = Payment(0xBEEF, fee: 25);
        var refund = Refund(0xF00D, payment.Id, sell: 400, fee: 3);
        var legs = PaymentLegs.RefundLegs(refund, payment);

        Assert.Equal(PaymentLegs.RefundLegIds(refund), legs.Select(static l => l.Id));
        Assert.Equal(
            [PaymentLegs.Derive("refund/buy", refund.Id), PaymentLegs.Derive("refund/sell", refund.Id), PaymentLegs.Derive("refund/fee", refund.Id)],
            legs.Select(static l => l.Id));
        Assert.Equal([TransferFlags.Linked, TransferFlags.Linked, TransferFlags.None], legs.Select(static l => l.Flags));
        Assert.All(legs, l => Assert.Equal((payment.Id, 0U), (l.UserData128, l.TimeoutSeconds)));
        Assert.Equal(
            (payment.CreditorAccountId, payment.LiquidityBuyAccountId, refund.BuyAmount, Eur, PaymentLegs.RefundBuyLegCode, 11U),
            (legs[0].DebitAccountId, legs[0].CreditAccountId, legs[0].Amount, legs[0].Ledger, legs[0].Code, legs[0].UserData32));
        Assert.Equal(
            (payment.LiquiditySellAccountId, payment.DebtorAccountId, refund.SellAmount, Usd, PaymentLegs.RefundSellLegCode, 12U),
            (legs[1].DebitAccountId, legs[1].CreditAccountId, legs[1].Amount, legs[1].Ledger, legs[1].Code, legs[1].UserData32));
        Assert.Equal(
            (payment.FeeAccountId, payment.DebtorAccountId, refund.FeeAmount, Usd, PaymentLegs.RefundFeeLegCode, 13U),
            (legs[2].DebitAccountId, legs[2].CreditAccountId, legs[2].Amount, legs[2].Ledger, legs[2].Code, legs[2].UserData32));
    }

    [Theory]
    [InlineData(0, 3, new[] { PaymentLegs.RefundBuyLegCode, PaymentLegs.RefundFeeLegCode })]
    [InlineData(400, 0, new[] { PaymentLegs.RefundBuyLegCode, PaymentLegs.RefundSellLegCode })]
    [InlineData(0, 0, new[] { PaymentLegs.RefundBuyLegCode })]
    public void A_refund_omits_the_legs_of_shares_that_round_to_zero(int sell, int fee, ushort[] codes)
    {
        var payment = Payment(0xBEEF, fee: 25);
        var refund = Refund(0xF00D, payment.Id, sell: (UInt128)sell, fee: (UInt128)fee);
        var legs = PaymentLegs.RefundLegs(refund, payment);

        Assert.Equal(codes, legs.Select(static l => l.Code));
        Assert.Equal(PaymentLegs.RefundLegIds(refund), legs.Select(static l => l.Id));
        Assert.All(legs, static l => Assert.NotEqual(UInt128.Zero, l.Amount));

        // Still a chain: linked on every leg but the last, so a lone buy-back leg is not linked at all.
        Assert.Equal([.. Enumerable.Repeat(TransferFlags.Linked, codes.Length - 1), TransferFlags.None], legs.Select(static l => l.Flags));

        // A leg keeps its id whichever of the others are left out.
        var full = PaymentLegs.RefundLegIds(refund with { SellAmount = 1, FeeAmount = 1 });
        Assert.Subset(full.ToHashSet(), legs.Select(static l => l.Id).ToHashSet());
    }

    private static UInt128 ByTheRule(string purpose, UInt128 id)
    {
        var input = new List<byte>(Encoding.ASCII.GetBytes("ledger/payment/v1/" + purpose));
        var idBytes = new byte[16];
        BinaryPrimitives.WriteUInt128BigEndian(idBytes, id);
        input.AddRange(idBytes);
        var hash = SHA256.HashData(input.ToArray());
        var value = BinaryPrimitives.ReadUInt128BigEndian(hash.AsSpan(0, 16));
        var versionMask = (UInt128)0xF << 76;
        var variantMask = (UInt128)0b11 << 62;
        return (value & ~versionMask & ~variantMask) | ((UInt128)8 << 76) | ((UInt128)0b10 << 62);
    }

    private static UInt128 Hex(string hex) => UInt128.Parse(hex, NumberStyles.HexNumber, CultureInfo.InvariantCulture);

    private static Payment Payment(UInt128 id, UInt128 fee) => new(
        id,
        ParticipantId: 0xA11CE,
        QuoteId: 0x9001,
        DebtorAccountId: 100,
        CreditorAccountId: 101,
        LiquiditySellAccountId: 11,
        LiquidityBuyAccountId: 21,
        FeeAccountId: 12,
        SellLedger: Usd,
        BuyLedger: Eur,
        SellAmount: 10_000,
        BuyAmount: 8_910,
        FeeAmount: fee,
        RateNumerator: 891,
        RateDenominator: 1_000,
        Reference: 7,
        RiskOutcome.Accept,
        RiskReason: null,
        Decisions: [],
        OperatorAction.None,
        PaymentStage.Received,
        FailureReason: null,
        At,
        At);

    private static Refund Refund(UInt128 id, UInt128 paymentId, UInt128 sell, UInt128 fee) =>
        new(id, paymentId, RequestedBy: 0xA11CE, BuyAmount: 3_000, SellAmount: sell, FeeAmount: fee, Reference: 0, PaymentStage.Received, FailureReason: null, At, At);
}

using Ledger.Core.Directory;
using Ledger.Core.Fx;
using Ledger.Core.Payments;
using Ledger.Core.Risk;
using Ledger.Core.Tests.Infrastructure;

namespace Ledger.Core.Tests.Payments;

public sealed class SqlitePaymentStoreTests(SqliteStoreFixture fixture) : PaymentStoreTests<SqliteStoreFixture>(fixture);

public sealed class PostgresPaymentStoreTests(PostgresStoreFixture fixture) : PaymentStoreTests<PostgresStoreFixture>(fixture);

/// <summary>
/// The payment store's rules on every store: records read back exactly; a quote is used once; a new
/// payment is assessed against the activity of its participant's earlier payments, creations for one
/// participant taking turns; stages and operator actions move by compare-and-set; refunds of one payment
/// go one at a time and never past what the share function allows. The assess and share functions here
/// are plain lambdas: the store's contract is what is under test, not the risk rules.
/// </summary>
public abstract class PaymentStoreTests<TFixture>(TFixture fixture) : LedgerTestBase<TFixture>(fixture)
    where TFixture : class, ILedgerStoreFixture
{
    private const uint Usd = 1, Eur = 2, Gbp = 3;
    private static readonly UInt128 Max = UInt128.MaxValue;
    private static readonly UInt128 Alice = 0xA11CE, Bob = 0xB0B, Carol = 0xCA201;
    private static readonly DateTimeOffset Midnight = new(2025, 3, 10, 0, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Noon = Midnight.AddHours(12);
    private static readonly RiskDecision[] NoDecisions = [];
    private static readonly Func<Payment, RefundTotals, RefundShare?> Whole = static (_, _) => new RefundShare(0, 0);
    private UInt128 probes = UInt128.One << 64;

    private IPaymentStore Store => (IPaymentStore)Ledger.Store;

    private CancellationToken Token => Ledger.Token;

    [Fact]
    public async Task Fx_rates_upsert_and_read_back_exactly_in_pair_order()
    {
        Assert.Null(await Store.GetFxRateAsync(Usd, Eur, Token));
        var usdEur = new FxRateEntry(Usd, Eur, new FxDecimal(Max, FxDecimal.ScaleMax), ushort.MaxValue, Noon.AddTicks(1));
        var eurGbp = new FxRateEntry(Eur, Gbp, new FxDecimal(8_561, 4), 25, new DateTimeOffset(2025, 3, 10, 14, 0, 0, TimeSpan.FromHours(2)));
        var usdGbp = new FxRateEntry(Usd, Gbp, new FxDecimal(1, 0), 0, Noon);
        await Store.SetFxRateAsync(eurGbp, Token);
        await Store.SetFxRateAsync(usdGbp, Token);
        await Store.SetFxRateAsync(usdEur, Token);

        Assert.Equal(usdEur, await Store.GetFxRateAsync(Usd, Eur, Token));
        Assert.Null(await Store.GetFxRateAsync(Eur, Usd, Token));
        Assert.Equal([usdEur, usdGbp, eurGbp], await Store.ListFxRatesAsync(Token));

        var replaced = new FxRateEntry(Usd, Eur, new FxDecimal(92, 2), 10, Noon.AddHours(1));
        await Store.SetFxRateAsync(replaced, Token);
        Assert.Equal(replaced, await Store.GetFxRateAsync(Usd, Eur, Token));
        Assert.Equal([replaced, usdGbp, eurGbp], await Store.ListFxRatesAsync(Token));
    }

    [Fact]
    public async Task Fx_currency_setups_upsert_and_read_back_exactly_in_ledger_order()
    {
        Assert.Null(await Store.GetFxCurrencyAsync(Usd, Token));
        var eur = new FxCurrencySetup(Eur, 21, 22, 30, 50, Noon);
        var top = new FxCurrencySetup(uint.MaxValue, Max, Max - 1, ushort.MaxValue, Max, Noon.AddTicks(7));
        await Store.SetFxCurrencyAsync(top, Token);
        await Store.SetFxCurrencyAsync(eur, Token);

        Assert.Equal(top, await Store.GetFxCurrencyAsync(uint.MaxValue, Token));
        Assert.Equal([eur, top], await Store.ListFxCurrenciesAsync(Token));

        var replaced = eur with { LiquidityAccountId = 31, FeeBps = FxCurrencySetup.FeeBpsMax, FeeMinimum = 0, UpdatedAt = Noon.AddDays(1) };
        await Store.SetFxCurrencyAsync(replaced, Token);
        Assert.Equal([replaced, top], await Store.ListFxCurrenciesAsync(Token));
    }

    [Fact]
    public async Task A_quote_reads_back_exactly_and_is_unused_until_a_payment_takes_it()
    {
        var quote = new FxQuote(
            Max, Max, uint.MaxValue, uint.MaxValue - 1, Max, Max, Max, new FxDecimal(Max, FxDecimal.ScaleMax), true, ushort.MaxValue, Max, Max,
            new DateTimeOffset(2025, 3, 10, 13, 0, 0, TimeSpan.FromHours(1)).AddTicks(3), Noon.AddMinutes(1));
        await Store.AddQuoteAsync(quote, Token);
        var plain = Quote(7, Alice, Noon);
        await Store.AddQuoteAsync(plain, Token);

        Assert.Equal(quote, await Store.GetQuoteAsync(Max, Token));
        Assert.Equal(plain, await Store.GetQuoteAsync(7, Token));
        Assert.Null(await Store.GetQuoteAsync(8, Token));
        Assert.Null(await Store.GetQuotePaymentAsync(Max, Token));
        Assert.Null(await Store.GetQuotePaymentAsync(8, Token));

        var created = await Store.CreatePaymentAsync(Draft(1, Alice, 7, Noon), Verdict(RiskOutcome.Accept), Token);
        Assert.Equal(PaymentCreationKind.Created, created.Kind);
        Assert.Equal((UInt128?)1, await Store.GetQuotePaymentAsync(7, Token));
        Assert.Null(await Store.GetQuotePaymentAsync(Max, Token));
    }

    [Fact]
    public async Task Risk_profiles_read_back_exactly_are_replaced_whole_and_removed()
    {
        Assert.Null(await Store.GetRiskProfileAsync(Alice, Token));
        var full = new RiskProfile(
            [new CurrencyLimit(Usd, 1_000, null), new CurrencyLimit(Eur, null, Max), new CurrencyLimit(uint.MaxValue, Max, Max), new CurrencyLimit(Usd, 5, 6)],
            new VelocityRule(VelocityRule.WindowSecondsMax, uint.MaxValue, [new VelocityValueLimit(Eur, Max), new VelocityValueLimit(Usd, 1)]),
            Noon.AddTicks(9));
        await Store.SetRiskProfileAsync(Alice, full, Token);
        AssertProfile(full, await Store.GetRiskProfileAsync(Alice, Token));

        var velocityOnly = new RiskProfile([], new VelocityRule(60, null, []), Noon.AddHours(1));
        await Store.SetRiskProfileAsync(Alice, velocityOnly, Token);
        AssertProfile(velocityOnly, await Store.GetRiskProfileAsync(Alice, Token));

        var limitsOnly = new RiskProfile([new CurrencyLimit(Gbp, 1, 2)], null, Noon.AddHours(2));
        await Store.SetRiskProfileAsync(Alice, limitsOnly, Token);
        AssertProfile(limitsOnly, await Store.GetRiskProfileAsync(Alice, Token));

        // The default profile is an ordinary row for participant zero; reading one participant's profile
        // does not fall back to it (only a payment's assessment does).
        await Store.SetRiskProfileAsync(UInt128.Zero, full, Token);
        Assert.Null(await Store.GetRiskProfileAsync(Bob, Token));
        AssertProfile(full, await Store.GetRiskProfileAsync(UInt128.Zero, Token));

        await Store.SetRiskProfileAsync(Alice, null, Token);
        Assert.Null(await Store.GetRiskProfileAsync(Alice, Token));
        AssertProfile(full, await Store.GetRiskProfileAsync(UInt128.Zero, Token));
        await Store.SetRiskProfileAsync(Bob, null, Token);
        Assert.Null(await Store.GetRiskProfileAsync(Bob, Token));
    }

    [Fact]
    public async Task A_payment_is_assessed_with_its_own_profile_else_the_default_else_none()
    {
        var own = new RiskProfile([new CurrencyLimit(Usd, 10, 20)], null, Noon);
        var fallback = new RiskProfile([], new VelocityRule(600, 3, [new VelocityValueLimit(Usd, 99)]), Noon);

        Assert.Null((await ProbeAsync(Alice, Noon)).Profile);
        await Store.SetRiskProfileAsync(UInt128.Zero, fallback, Token);
        AssertProfile(fallback, (await ProbeAsync(Alice, Noon)).Profile);
        await Store.SetRiskProfileAsync(Alice, own, Token);
        AssertProfile(own, (await ProbeAsync(Alice, Noon)).Profile);
        AssertProfile(fallback, (await ProbeAsync(Bob, Noon)).Profile);
        await Store.SetRiskProfileAsync(Alice, null, Token);
        AssertProfile(fallback, (await ProbeAsync(Alice, Noon)).Profile);
        await Store.SetRiskProfileAsync(UInt128.Zero, null, Token);
        Assert.Null((await ProbeAsync(Alice, Noon)).Profile);
    }

    [Fact]
    public async Task A_payment_reads_back_exactly_with_its_decisions_in_order_and_an_existing_id_changes_nothing()
    {
        var quoteId = Max - 1;
        await Store.AddQuoteAsync(Quote(quoteId, Max, Noon), Token);
        var createdAt = new DateTimeOffset(2025, 3, 10, 14, 0, 0, TimeSpan.FromHours(2)).AddTicks(1_234_567);
        var draft = new PaymentDraft(Max, Max, quoteId, Max, Max - 2, Max - 3, Max - 4, Max - 5, uint.MaxValue, uint.MaxValue - 1, Max, Max, Max, Max, Max - 6, Max, createdAt);

        // Decision times out of order: the list keeps the order the assessment gave, not time order.
        RiskDecision[] decisions =
        [
            new("kyc", RiskOutcome.Accept, "kyc_verified", "Participant is verified.", Noon.AddSeconds(3)),
            new("velocity_count", RiskOutcome.Hold, "velocity_count", new string('é', RiskDecision.DetailLengthMax), Noon.AddSeconds(1)),
            new("daily_outflow_limit", RiskOutcome.Accept, "within_limit", string.Empty, Noon.AddSeconds(2)),
        ];
        var created = await Store.CreatePaymentAsync(draft, (_, _) => new RiskAssessment(RiskOutcome.Hold, decisions, "velocity_count"), Token);

        var expected = new Payment(
            Max, Max, quoteId, Max, Max - 2, Max - 3, Max - 4, Max - 5, uint.MaxValue, uint.MaxValue - 1, Max, Max, Max, Max, Max - 6, Max,
            RiskOutcome.Hold, "velocity_count", decisions, OperatorAction.None, PaymentStage.Received, null, createdAt, createdAt);
        Assert.Equal(PaymentCreationKind.Created, created.Kind);
        AssertPayment(expected, created.Payment);
        AssertPayment(expected, await Store.GetPaymentAsync(Max, Token));
        Assert.Equal((UInt128?)Max, await Store.GetQuotePaymentAsync(quoteId, Token));
        Assert.Null(await Store.GetPaymentAsync(Max - 1, Token));

        // The same id again, with a different quote, amounts and participant: Exists with the stored
        // payment, nothing assessed, the other quote still unused.
        await Store.AddQuoteAsync(Quote(5, Alice, Noon), Token);
        var assessed = false;
        var again = await Store.CreatePaymentAsync(
            Draft(Max, Alice, 5, Noon, sell: 1, fee: 0),
            (_, _) =>
            {
                assessed = true;
                return new RiskAssessment(RiskOutcome.Accept, [], null);
            },
            Token);
        Assert.Equal(PaymentCreationKind.Exists, again.Kind);
        AssertPayment(expected, again.Payment);
        Assert.False(assessed);
        Assert.Null(await Store.GetQuotePaymentAsync(5, Token));
        AssertPayment(expected, await Store.GetPaymentAsync(Max, Token));
    }

    [Fact]
    public async Task A_payment_needs_a_quote_that_exists_and_that_no_payment_used()
    {
        var notFound = await Store.CreatePaymentAsync(Draft(1, Alice, 77, Noon), Verdict(RiskOutcome.Accept), Token);
        Assert.Equal(new PaymentCreation(PaymentCreationKind.QuoteNotFound, null), notFound);
        Assert.Null(await Store.GetPaymentAsync(1, Token));

        var first = await PayAsync(1, Alice, Noon);

        // Used by another payment: of the same participant or not, accepted or (here) rejected later.
        Assert.True(await Store.TryAdvancePaymentAsync(1, PaymentStage.Failed, "exceeds_credits", null, Noon, Token));
        foreach (var participant in (UInt128[])[Alice, Bob])
        {
            var used = await Store.CreatePaymentAsync(Draft(2, participant, first.QuoteId, Noon), Verdict(RiskOutcome.Accept), Token);
            Assert.Equal(new PaymentCreation(PaymentCreationKind.QuoteUsed, null), used);
        }

        Assert.Null(await Store.GetPaymentAsync(2, Token));
        Assert.Equal((UInt128?)1, await Store.GetQuotePaymentAsync(first.QuoteId, Token));
    }

    [Fact]
    public async Task Activity_counts_earlier_payments_that_are_not_rejected_by_day_window_and_currency()
    {
        const uint window = 3_600;
        await Store.SetRiskProfileAsync(Alice, new RiskProfile([], new VelocityRule(window, 10, []), Noon), Token);
        var windowStart = Noon.AddSeconds(-window);

        await PayAsync(1, Alice, Midnight.AddTicks(-1), sell: 1_000, fee: 10);             // yesterday
        await PayAsync(2, Alice, Midnight, sell: 200, fee: 2);                              // today: outflow 202
        await PayAsync(3, Alice, windowStart, sell: 30, fee: 3);                            // on the window's edge: outflow 235, not in the window
        await PayAsync(4, Alice, windowStart.AddTicks(1), sell: 40, fee: 4);                // outflow 279; window 1, 40
        await PayAsync(5, Alice, Noon.AddSeconds(-60), sell: 500, fee: 5, sellLedger: Eur); // other currency: window 2
        await PayAsync(6, Alice, Noon.AddSeconds(-50), RiskOutcome.Reject, sell: 7_000);    // rejected by the rules
        await PayAsync(7, Alice, Noon.AddSeconds(-40), sell: 7_000);                        // refused by the ledger
        Assert.True(await Store.TryAdvancePaymentAsync(7, PaymentStage.Failed, "exceeds_credits", null, Noon, Token));
        await PayAsync(8, Alice, Noon.AddSeconds(-30), RiskOutcome.Hold, sell: 7_000);      // rejected by the operator
        Assert.True(await Store.TryRecordOperatorActionAsync(8, OperatorAction.Reject, Operator(Noon), Token));
        await PayAsync(9, Alice, Noon.AddSeconds(-20), RiskOutcome.Hold, sell: 50, fee: 5); // held: outflow 334; window 3, 90
        await PayAsync(10, Alice, Noon.AddSeconds(-10), RiskOutcome.Hold, sell: 60, fee: 0); // released: outflow 394; window 4, 150
        Assert.True(await Store.TryRecordOperatorActionAsync(10, OperatorAction.Release, Operator(Noon), Token));
        await PayAsync(11, Bob, Noon.AddSeconds(-5), sell: 7_000);                          // another participant

        Assert.Equal(new PaymentActivity(394, 4, 150), (await ProbeAsync(Alice, Noon)).Activity);
        await Store.SetRiskProfileAsync(Bob, new RiskProfile([], new VelocityRule(window, null, []), Noon), Token);
        Assert.Equal(new PaymentActivity(0, 1, 0), (await ProbeAsync(Bob, Noon, sellLedger: Gbp)).Activity);

        // The day starts at 00:00 UTC of the payment's day, whatever the offset it was written with.
        var sameInstant = Noon.ToOffset(TimeSpan.FromHours(-11));
        Assert.Equal(new PaymentActivity(394, 4, 150), (await ProbeAsync(Alice, sameInstant)).Activity);
        Assert.Equal(new PaymentActivity(0, 0, 0), (await ProbeAsync(Alice, Midnight.AddDays(1).AddHours(2))).Activity);

        // What was recorded before counts even when its time is after the draft's (a request stamped
        // before another's but recorded after it, or another node's clock): the order of creation, not
        // the timestamps, decides what came before, so a limit holds however requests race.
        Assert.Equal(new PaymentActivity(1_404, 7, 1_380), (await ProbeAsync(Alice, Midnight.AddTicks(-1))).Activity);

        // Without a velocity rule the window is not counted at all.
        await Store.SetRiskProfileAsync(Alice, null, Token);
        Assert.Equal(new PaymentActivity(394, 0, 0), (await ProbeAsync(Alice, Noon)).Activity);
        await Store.SetRiskProfileAsync(Alice, new RiskProfile([new CurrencyLimit(Usd, 1, 1)], null, Noon), Token);
        Assert.Equal(new PaymentActivity(394, 0, 0), (await ProbeAsync(Alice, Noon)).Activity);
    }

    [Fact]
    public async Task Activity_sums_saturate_at_the_largest_amount_instead_of_wrapping()
    {
        await Store.SetRiskProfileAsync(Carol, new RiskProfile([], new VelocityRule(60, null, []), Noon), Token);
        await PayAsync(1, Carol, Noon.AddSeconds(-2), sell: Max, fee: Max);
        await PayAsync(2, Carol, Noon.AddSeconds(-1), sell: Max, fee: 1);

        Assert.Equal(new PaymentActivity(Max, 2, Max), (await ProbeAsync(Carol, Noon)).Activity);
    }

    [Fact]
    public async Task A_payment_moves_forward_only_and_from_Failed_to_Committed_or_Resolved()
    {
        var p = await PayAsync(1, Alice, Noon);
        Assert.False(await AdvanceAsync(1, PaymentStage.Received));
        Assert.True(await AdvanceAsync(1, PaymentStage.Committed, at: Noon.AddSeconds(1)));
        Assert.Equal((PaymentStage.Committed, Noon.AddSeconds(1)), await StageAsync(1));
        Assert.False(await AdvanceAsync(1, PaymentStage.Committed));
        Assert.False(await AdvanceAsync(1, PaymentStage.Failed, "exceeds_credits"));
        Assert.False(await AdvanceAsync(1, PaymentStage.Received));
        Assert.True(await AdvanceAsync(1, PaymentStage.Resolved, at: Noon.AddSeconds(2)));
        foreach (var stage in (PaymentStage[])[PaymentStage.Resolved, PaymentStage.Committed, PaymentStage.Failed, PaymentStage.Received])
        {
            Assert.False(await AdvanceAsync(1, stage, "exceeds_credits"));
        }

        var resolved = await Store.GetPaymentAsync(1, Token);
        AssertPayment(p with { Stage = PaymentStage.Resolved, UpdatedAt = Noon.AddSeconds(2) }, resolved);

        // Received straight to Resolved.
        await PayAsync(2, Alice, Noon);
        Assert.True(await AdvanceAsync(2, PaymentStage.Resolved));
        Assert.Equal(PaymentStage.Resolved, (await StageAsync(2)).Stage);

        // Failed only from Received, with the reason and the ledger's decision; then the ledger wins.
        var failing = await PayAsync(3, Alice, Noon);
        var ledger = new RiskDecision("ledger", RiskOutcome.Reject, "exceeds_credits", "The debit account lacks funds.", Noon.AddSeconds(3));
        Assert.True(await Store.TryAdvancePaymentAsync(3, PaymentStage.Failed, "exceeds_credits", ledger, Noon.AddSeconds(3), Token));
        var failed = failing with
        {
            Stage = PaymentStage.Failed,
            FailureReason = "exceeds_credits",
            Decisions = [.. failing.Decisions, ledger],
            UpdatedAt = Noon.AddSeconds(3),
        };
        AssertPayment(failed, await Store.GetPaymentAsync(3, Token));
        Assert.False(await AdvanceAsync(3, PaymentStage.Failed, "exceeds_debits"));
        Assert.False(await AdvanceAsync(3, PaymentStage.Received));
        Assert.True(await AdvanceAsync(3, PaymentStage.Committed, at: Noon.AddSeconds(4)));
        AssertPayment(failed with { Stage = PaymentStage.Committed, FailureReason = null, UpdatedAt = Noon.AddSeconds(4) }, await Store.GetPaymentAsync(3, Token));

        await PayAsync(4, Alice, Noon);
        Assert.True(await AdvanceAsync(4, PaymentStage.Failed, "exceeds_credits"));
        Assert.True(await AdvanceAsync(4, PaymentStage.Resolved));
        var fromFailed = await Store.GetPaymentAsync(4, Token);
        Assert.Equal((PaymentStage.Resolved, null), (fromFailed!.Stage, fromFailed.FailureReason));

        // A decision given with a forward move is appended too.
        await PayAsync(5, Alice, Noon);
        Assert.True(await Store.TryAdvancePaymentAsync(5, PaymentStage.Committed, null, ledger, Noon, Token));
        Assert.Equal(["kyc", "ledger"], (await Store.GetPaymentAsync(5, Token))!.Decisions.Select(static d => d.Rule));

        Assert.False(await AdvanceAsync(99, PaymentStage.Committed));
        await Assert.ThrowsAnyAsync<ArgumentException>(async () => await AdvanceAsync(5, PaymentStage.Failed, null));
    }

    [Fact]
    public async Task The_operator_acts_once_on_a_held_payment_that_has_not_failed()
    {
        await PayAsync(1, Alice, Noon, RiskOutcome.Accept);
        Assert.False(await Store.TryRecordOperatorActionAsync(1, OperatorAction.Release, Operator(Noon), Token));
        await PayAsync(2, Alice, Noon, RiskOutcome.Reject);
        Assert.False(await Store.TryRecordOperatorActionAsync(2, OperatorAction.Release, Operator(Noon), Token));
        Assert.False(await Store.TryRecordOperatorActionAsync(99, OperatorAction.Release, Operator(Noon), Token));

        var held = await PayAsync(3, Alice, Noon, RiskOutcome.Hold);
        var release = Operator(Noon.AddMinutes(5));
        Assert.True(await Store.TryRecordOperatorActionAsync(3, OperatorAction.Release, release, Token));
        AssertPayment(
            held with { OperatorAction = OperatorAction.Release, Decisions = [.. held.Decisions, release], UpdatedAt = release.At },
            await Store.GetPaymentAsync(3, Token));
        Assert.False(await Store.TryRecordOperatorActionAsync(3, OperatorAction.Reject, Operator(Noon), Token));
        Assert.Equal(OperatorAction.Release, (await Store.GetPaymentAsync(3, Token))!.OperatorAction);

        // Held and committed (pending legs): still open to the operator. Held and Failed: not.
        await PayAsync(4, Alice, Noon, RiskOutcome.Hold);
        Assert.True(await AdvanceAsync(4, PaymentStage.Committed));
        Assert.True(await Store.TryRecordOperatorActionAsync(4, OperatorAction.Reject, Operator(Noon), Token));
        await PayAsync(5, Alice, Noon, RiskOutcome.Hold);
        Assert.True(await AdvanceAsync(5, PaymentStage.Failed, "exceeds_credits"));
        Assert.False(await Store.TryRecordOperatorActionAsync(5, OperatorAction.Release, Operator(Noon), Token));
        Assert.Equal(OperatorAction.None, (await Store.GetPaymentAsync(5, Token))!.OperatorAction);

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(async () => await Store.TryRecordOperatorActionAsync(4, OperatorAction.None, Operator(Noon), Token));
    }

    [Fact]
    public async Task Payments_list_in_created_at_then_id_order_after_the_cursor_by_participant_and_review_state()
    {
        await PayAsync(10, Alice, Noon, RiskOutcome.Accept);
        await PayAsync(5, Alice, Noon, RiskOutcome.Hold);
        await PayAsync(7, Bob, Noon.AddTicks(1), RiskOutcome.Hold);
        await PayAsync(3, Alice, Noon.AddSeconds(1), RiskOutcome.Hold);
        Assert.True(await Store.TryRecordOperatorActionAsync(3, OperatorAction.Release, Operator(Noon), Token));
        await PayAsync(4, Alice, Noon.AddSeconds(2), RiskOutcome.Hold);
        Assert.True(await AdvanceAsync(4, PaymentStage.Failed, "exceeds_credits"));
        await PayAsync(8, Bob, Noon.AddSeconds(3), RiskOutcome.Reject);

        Assert.Equal([5, 10, 7, 3, 4, 8], await IdsAsync(new PaymentQuery(null, false, null, 0, PaymentQuery.LimitMax)));
        Assert.Equal([5, 10, 3, 4], await IdsAsync(new PaymentQuery(Alice, false, null, 0, 100)));
        Assert.Equal([5, 7], await IdsAsync(new PaymentQuery(null, true, null, 0, 100)));
        Assert.Equal([5], await IdsAsync(new PaymentQuery(Alice, true, null, 0, 100)));
        Assert.Equal([7], await IdsAsync(new PaymentQuery(Bob, true, null, 0, 100)));

        // Strictly after the cursor: at the same created_at, only larger ids.
        Assert.Equal([5, 10, 7], await IdsAsync(new PaymentQuery(null, false, Noon, 0, 3)));
        Assert.Equal([10, 7, 3], await IdsAsync(new PaymentQuery(null, false, Noon, 5, 3)));
        Assert.Equal([7, 3], await IdsAsync(new PaymentQuery(null, false, Noon, 10, 2)));
        Assert.Equal([7], await IdsAsync(new PaymentQuery(null, true, Noon, 5, 100)));
        Assert.Empty(await IdsAsync(new PaymentQuery(null, false, Noon.AddSeconds(3), 8, 100)));

        // Paging through everything, two at a time.
        var seen = new List<UInt128>();
        var query = new PaymentQuery(null, false, null, 0, 2);
        while (true)
        {
            var page = await Store.ListPaymentsAsync(query, Token);
            if (page.Count == 0)
            {
                break;
            }

            seen.AddRange(page.Select(static p => p.Id));
            query = query with { AfterCreatedAt = page[^1].CreatedAt, AfterId = page[^1].Id };
        }

        Assert.Equal([5, 10, 7, 3, 4, 8], seen);

        foreach (var limit in (int[])[0, -1, PaymentQuery.LimitMax + 1])
        {
            await Assert.ThrowsAsync<ArgumentOutOfRangeException>(async () => await Store.ListPaymentsAsync(new PaymentQuery(null, false, null, 0, limit), Token));
        }
    }

    [Fact]
    public async Task Unfinished_payments_are_received_before_the_time_and_not_rejected_or_acted_on_and_still_committed()
    {
        var before = Noon.AddSeconds(10);
        await PayAsync(1, Alice, Noon);                                        // Received: owed
        await PayAsync(2, Alice, before);                                      // Received, not before the time
        await PayAsync(3, Alice, Noon.AddSeconds(1), RiskOutcome.Reject);      // rejected: nothing owed
        await PayAsync(4, Alice, Noon.AddSeconds(2), RiskOutcome.Hold);        // released, still Committed: owed
        Assert.True(await AdvanceAsync(4, PaymentStage.Committed));
        Assert.True(await Store.TryRecordOperatorActionAsync(4, OperatorAction.Release, Operator(Noon), Token));
        await PayAsync(5, Bob, Noon.AddSeconds(20), RiskOutcome.Hold);         // rejected by the operator, still Committed: owed, whatever its time
        Assert.True(await AdvanceAsync(5, PaymentStage.Committed));
        Assert.True(await Store.TryRecordOperatorActionAsync(5, OperatorAction.Reject, Operator(Noon), Token));
        await PayAsync(6, Alice, Noon.AddSeconds(3), RiskOutcome.Hold);        // held, Committed, waiting for the operator
        Assert.True(await AdvanceAsync(6, PaymentStage.Committed));
        await PayAsync(7, Alice, Noon.AddSeconds(4), RiskOutcome.Hold);        // released and Resolved
        Assert.True(await AdvanceAsync(7, PaymentStage.Committed));
        Assert.True(await Store.TryRecordOperatorActionAsync(7, OperatorAction.Release, Operator(Noon), Token));
        Assert.True(await AdvanceAsync(7, PaymentStage.Resolved));
        await PayAsync(8, Alice, Noon.AddSeconds(5));                          // Committed
        Assert.True(await AdvanceAsync(8, PaymentStage.Committed));
        await PayAsync(9, Alice, Noon.AddSeconds(6));                          // Failed
        Assert.True(await AdvanceAsync(9, PaymentStage.Failed, "exceeds_credits"));
        await PayAsync(10, Bob, Noon.AddTicks(1), RiskOutcome.Hold);           // held, Received: owed

        Assert.Equal([1, 10, 4, 5], (await Store.ListUnfinishedPaymentsAsync(before, 100, Token)).Select(static p => p.Id));
        Assert.Equal([1, 10], (await Store.ListUnfinishedPaymentsAsync(before, 2, Token)).Select(static p => p.Id));
        Assert.Equal([4, 5], (await Store.ListUnfinishedPaymentsAsync(Noon, 100, Token)).Select(static p => p.Id));
        Assert.Equal([1, 10, 4, 2, 5], (await Store.ListUnfinishedPaymentsAsync(before.AddTicks(1), 100, Token)).Select(static p => p.Id));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(async () => await Store.ListUnfinishedPaymentsAsync(before, 0, Token));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(async () => await Store.ListUnfinishedPaymentsAsync(before, PaymentQuery.LimitMax + 1, Token));
    }

    [Fact]
    public async Task Refunds_go_one_at_a_time_and_the_share_sees_the_totals_of_those_not_Failed()
    {
        var payment = await PayAsync(1, Alice, Noon, sell: 1_000, fee: 10);
        var seen = new List<(UInt128 PaymentId, RefundTotals Totals)>();
        Func<Payment, RefundTotals, RefundShare?> Share(RefundShare? answer) => (p, totals) =>
        {
            seen.Add((p.Id, totals));
            return answer;
        };

        var first = await Store.CreateRefundAsync(new RefundDraft(100, 1, Alice, 30, 0xAB, Noon.AddSeconds(1)), Share(new RefundShare(300, 3)), Token);
        var expected = new Refund(100, 1, Alice, 30, 300, 3, 0xAB, PaymentStage.Received, null, Noon.AddSeconds(1), Noon.AddSeconds(1));
        Assert.Equal(new RefundCreation(RefundCreationKind.Created, expected), first);
        Assert.Equal((payment.Id, RefundTotals.Zero), Assert.Single(seen));
        Assert.Equal(expected, await Store.GetRefundAsync(100, Token));

        // Another refund while the first is Received: InProgress, nothing asked or stored.
        var busy = await Store.CreateRefundAsync(new RefundDraft(101, 1, Alice, 10, 0, Noon.AddSeconds(2)), Share(new RefundShare(1, 1)), Token);
        Assert.Equal(new RefundCreation(RefundCreationKind.InProgress, null), busy);
        Assert.Single(seen);
        Assert.Null(await Store.GetRefundAsync(101, Token));

        Assert.True(await Store.TryAdvanceRefundAsync(100, PaymentStage.Committed, null, Noon.AddSeconds(3), Token));
        var second = await Store.CreateRefundAsync(new RefundDraft(101, 1, Bob, 20, 0, Noon.AddSeconds(4)), Share(new RefundShare(200, 2)), Token);
        Assert.Equal(RefundCreationKind.Created, second.Kind);
        Assert.Equal(new RefundTotals(30, 300, 3), seen[^1].Totals);

        // A Failed refund no longer counts.
        Assert.True(await Store.TryAdvanceRefundAsync(101, PaymentStage.Failed, "exceeds_credits", Noon.AddSeconds(5), Token));
        var tooMuch = await Store.CreateRefundAsync(new RefundDraft(102, 1, Alice, 70, 0, Noon.AddSeconds(6)), Share(null), Token);
        Assert.Equal(new RefundCreation(RefundCreationKind.Exceeds, null), tooMuch);
        Assert.Equal(new RefundTotals(30, 300, 3), seen[^1].Totals);
        Assert.Null(await Store.GetRefundAsync(102, Token));

        // An existing id answers with the stored refund, whatever the draft; a missing payment is named.
        var calls = seen.Count;
        var again = await Store.CreateRefundAsync(new RefundDraft(100, 2, Bob, 1, 1, Noon), Share(new RefundShare(1, 1)), Token);
        Assert.Equal(new RefundCreation(RefundCreationKind.Exists, expected with { Stage = PaymentStage.Committed, UpdatedAt = Noon.AddSeconds(3) }), again);
        var orphan = await Store.CreateRefundAsync(new RefundDraft(103, 2, Alice, 1, 0, Noon), Share(new RefundShare(1, 1)), Token);
        Assert.Equal(new RefundCreation(RefundCreationKind.PaymentNotFound, null), orphan);
        Assert.Equal(calls, seen.Count);

        Assert.Equal([100, 101], (await Store.ListRefundsAsync(1, Token)).Select(static r => r.Id));
        Assert.Empty(await Store.ListRefundsAsync(2, Token));
        var failed = await Store.GetRefundAsync(101, Token);
        Assert.Equal(new Refund(101, 1, Bob, 20, 200, 2, 0, PaymentStage.Failed, "exceeds_credits", Noon.AddSeconds(4), Noon.AddSeconds(5)), failed);
    }

    [Fact]
    public async Task A_refund_reads_back_exactly_at_the_largest_values()
    {
        await PayAsync(1, Alice, Noon);
        var createdAt = new DateTimeOffset(2025, 3, 10, 7, 0, 0, TimeSpan.FromHours(-5)).AddTicks(42);
        var created = await Store.CreateRefundAsync(new RefundDraft(Max, 1, Max, Max, Max, createdAt), (_, _) => new RefundShare(Max, Max), Token);

        var expected = new Refund(Max, 1, Max, Max, Max, Max, Max, PaymentStage.Received, null, createdAt, createdAt);
        Assert.Equal(new RefundCreation(RefundCreationKind.Created, expected), created);
        Assert.Equal(expected, await Store.GetRefundAsync(Max, Token));
        Assert.Equal([expected], await Store.ListRefundsAsync(1, Token));
    }

    [Fact]
    public async Task A_refund_moves_to_Committed_from_Received_or_Failed_and_to_Failed_only_from_Received()
    {
        await PayAsync(1, Alice, Noon);
        await PayAsync(2, Alice, Noon);
        await Store.CreateRefundAsync(new RefundDraft(10, 1, Alice, 1, 0, Noon), Whole, Token);
        await Store.CreateRefundAsync(new RefundDraft(20, 2, Alice, 1, 0, Noon), Whole, Token);

        Assert.False(await Store.TryAdvanceRefundAsync(10, PaymentStage.Received, null, Noon, Token));
        Assert.False(await Store.TryAdvanceRefundAsync(10, PaymentStage.Resolved, null, Noon, Token));
        Assert.True(await Store.TryAdvanceRefundAsync(10, PaymentStage.Committed, null, Noon.AddSeconds(1), Token));
        Assert.False(await Store.TryAdvanceRefundAsync(10, PaymentStage.Committed, null, Noon, Token));
        Assert.False(await Store.TryAdvanceRefundAsync(10, PaymentStage.Failed, "exceeds_credits", Noon, Token));
        Assert.False(await Store.TryAdvanceRefundAsync(10, PaymentStage.Received, null, Noon, Token));
        var committed = await Store.GetRefundAsync(10, Token);
        Assert.Equal((PaymentStage.Committed, null, Noon.AddSeconds(1)), (committed!.Stage, committed.FailureReason, committed.UpdatedAt));

        Assert.True(await Store.TryAdvanceRefundAsync(20, PaymentStage.Failed, "exceeds_credits", Noon.AddSeconds(2), Token));
        Assert.False(await Store.TryAdvanceRefundAsync(20, PaymentStage.Failed, "exceeds_debits", Noon, Token));
        var failed = await Store.GetRefundAsync(20, Token);
        Assert.Equal((PaymentStage.Failed, "exceeds_credits"), (failed!.Stage, failed.FailureReason));
        Assert.True(await Store.TryAdvanceRefundAsync(20, PaymentStage.Committed, null, Noon.AddSeconds(3), Token));
        var recovered = await Store.GetRefundAsync(20, Token);
        Assert.Equal((PaymentStage.Committed, null, Noon.AddSeconds(3)), (recovered!.Stage, recovered.FailureReason, recovered.UpdatedAt));

        Assert.False(await Store.TryAdvanceRefundAsync(99, PaymentStage.Committed, null, Noon, Token));
        await Assert.ThrowsAnyAsync<ArgumentException>(async () => await Store.TryAdvanceRefundAsync(10, PaymentStage.Failed, null, Noon, Token));
    }

    [Fact]
    public async Task Unfinished_refunds_are_those_Received_before_the_time_oldest_first()
    {
        for (var i = 1; i <= 5; i++)
        {
            await PayAsync((UInt128)i, Alice, Noon);
        }

        var before = Noon.AddSeconds(10);
        await Store.CreateRefundAsync(new RefundDraft(11, 1, Alice, 1, 0, Noon.AddSeconds(3)), Whole, Token);
        await Store.CreateRefundAsync(new RefundDraft(12, 2, Alice, 1, 0, Noon.AddSeconds(1)), Whole, Token);
        await Store.CreateRefundAsync(new RefundDraft(13, 3, Alice, 1, 0, before), Whole, Token);
        await Store.CreateRefundAsync(new RefundDraft(14, 4, Alice, 1, 0, Noon), Whole, Token);
        Assert.True(await Store.TryAdvanceRefundAsync(14, PaymentStage.Committed, null, Noon, Token));
        await Store.CreateRefundAsync(new RefundDraft(15, 5, Alice, 1, 0, Noon), Whole, Token);
        Assert.True(await Store.TryAdvanceRefundAsync(15, PaymentStage.Failed, "exceeds_credits", Noon, Token));

        Assert.Equal([12, 11], (await Store.ListUnfinishedRefundsAsync(before, 100, Token)).Select(static r => r.Id));
        Assert.Equal([12], (await Store.ListUnfinishedRefundsAsync(before, 1, Token)).Select(static r => r.Id));
        Assert.Equal([12, 11, 13], (await Store.ListUnfinishedRefundsAsync(before.AddTicks(1), 100, Token)).Select(static r => r.Id));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(async () => await Store.ListUnfinishedRefundsAsync(before, 0, Token));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(async () => await Store.ListUnfinishedRefundsAsync(before, PaymentQuery.LimitMax + 1, Token));
    }

    [Fact]
    public async Task Kyc_status_updates_an_existing_participant_only()
    {
        var directory = (IDirectoryStore)Ledger.Store;
        var bank = new Participant(Alice, "Alice Bank", ParticipantRole.Bank, "DE", KycStatus.Pending, Noon);
        Assert.True(await directory.TryAddParticipantAsync(bank, [1, 2, 3], Token));

        Assert.True(await directory.SetKycStatusAsync(Alice, KycStatus.Verified, Token));
        Assert.Equal(bank with { KycStatus = KycStatus.Verified }, await directory.GetParticipantAsync(Alice, Token));
        Assert.True(await directory.SetKycStatusAsync(Alice, KycStatus.Pending, Token));
        Assert.Equal(bank, await directory.GetParticipantAsync(Alice, Token));
        Assert.False(await directory.SetKycStatusAsync(Bob, KycStatus.Verified, Token));
        Assert.Null(await directory.GetParticipantAsync(Bob, Token));
    }

    [Fact]
    public async Task Concurrent_creations_for_one_participant_see_each_other_so_a_daily_limit_holds_exactly()
    {
        const int Attempts = 16;
        UInt128 amount = 100, limit = 1_000;
        for (var i = 1; i <= Attempts; i++)
        {
            await Store.AddQuoteAsync(Quote(QuoteOf((UInt128)i), Alice, Noon), Token);
        }

        var outcomes = await RaceAsync(Attempts, i => Store.CreatePaymentAsync(
            Draft((UInt128)(i + 1), Alice, QuoteOf((UInt128)(i + 1)), Noon.AddTicks(i), sell: amount, fee: 0),
            (_, activity) =>
            {
                Dawdle();
                return activity.OutflowToday + amount > limit
                    ? new RiskAssessment(RiskOutcome.Reject, [new RiskDecision("daily_outflow_limit", RiskOutcome.Reject, "daily_limit", "Over the daily limit.", Noon)], "daily_limit")
                    : new RiskAssessment(RiskOutcome.Accept, [], null);
            },
            Token).AsTask());

        Assert.All(outcomes, static o => Assert.Equal(PaymentCreationKind.Created, o.Kind));
        Assert.Equal((int)(limit / amount), outcomes.Count(static o => o.Payment!.RiskOutcome == RiskOutcome.Accept));
        var stored = await Store.ListPaymentsAsync(new PaymentQuery(Alice, false, null, 0, 100), Token);
        Assert.Equal(Attempts, stored.Count);
        Assert.Equal((int)(limit / amount), stored.Count(static p => p.RiskOutcome == RiskOutcome.Accept));
        Assert.Equal(new PaymentActivity(limit, 0, 0), (await ProbeAsync(Alice, Noon.AddSeconds(1))).Activity);
    }

    [Fact]
    public async Task Concurrent_creations_with_one_quote_record_exactly_one_payment()
    {
        const int Attempts = 10;
        await Store.AddQuoteAsync(Quote(500, Alice, Noon), Token);

        // Three participants race; attempts 8 and 9 reuse attempt 0's payment id.
        static UInt128 IdOf(int attempt) => attempt >= 8 ? 1 : (UInt128)(attempt + 1);
        var outcomes = await RaceAsync(Attempts, i => Store.CreatePaymentAsync(
            Draft(IdOf(i), (UInt128)(0xA0 + (i % 3)), 500, Noon),
            (profile, activity) =>
            {
                Dawdle();
                return Verdict(RiskOutcome.Accept)(profile, activity);
            },
            Token).AsTask());

        var winner = Assert.Single(outcomes, static o => o.Kind == PaymentCreationKind.Created).Payment!;
        for (var i = 0; i < Attempts; i++)
        {
            if (outcomes[i].Kind == PaymentCreationKind.Created)
            {
                continue;
            }

            if (IdOf(i) == winner.Id)
            {
                Assert.Equal(PaymentCreationKind.Exists, outcomes[i].Kind);
                AssertPayment(winner, outcomes[i].Payment);
            }
            else
            {
                Assert.Equal(new PaymentCreation(PaymentCreationKind.QuoteUsed, null), outcomes[i]);
            }
        }

        Assert.Equal((UInt128?)winner.Id, await Store.GetQuotePaymentAsync(500, Token));
        Assert.Equal([winner.Id], (await Store.ListPaymentsAsync(new PaymentQuery(null, false, null, 0, 100), Token)).Select(static p => p.Id));
    }

    [Fact]
    public async Task Concurrent_refunds_of_one_payment_record_exactly_one()
    {
        const int Attempts = 16;
        await PayAsync(1, Alice, Noon);
        var outcomes = await RaceAsync(Attempts, i => Store.CreateRefundAsync(
            new RefundDraft((UInt128)(100 + i), 1, Alice, 1, 0, Noon.AddTicks(i)),
            (payment, totals) =>
            {
                Dawdle();
                return Whole(payment, totals);
            },
            Token).AsTask());

        Assert.Single(outcomes, static o => o.Kind == RefundCreationKind.Created);
        Assert.Equal(Attempts - 1, outcomes.Count(static o => o.Kind == RefundCreationKind.InProgress));
        Assert.Single(await Store.ListRefundsAsync(1, Token));
    }

    [Fact]
    public async Task Concurrent_moves_of_one_payment_let_exactly_one_win()
    {
        const int Attempts = 8;
        await PayAsync(1, Alice, Noon);
        var ledger = new RiskDecision("ledger", RiskOutcome.Accept, "committed", "Legs committed.", Noon);
        var won = await RaceAsync(Attempts, i => Store.TryAdvancePaymentAsync(1, PaymentStage.Committed, null, ledger, Noon.AddTicks(i), Token).AsTask());

        Assert.Single(won, static w => w);
        Assert.Equal(["kyc", "ledger"], (await Store.GetPaymentAsync(1, Token))!.Decisions.Select(static d => d.Rule));
    }

    /// <summary>
    /// Called inside the store's critical section by the race tests: a pause there makes racing
    /// creations overlap for sure, so a store that does not serialise them fails the test every time.
    /// </summary>
    private static void Dawdle() => Thread.Sleep(TimeSpan.FromMilliseconds(50));

    private static UInt128 QuoteOf(UInt128 paymentId) => paymentId + (UInt128.One << 100);

    private static FxQuote Quote(UInt128 id, UInt128 participant, DateTimeOffset at) =>
        new(id, participant, Usd, Eur, 100, 90, 1, new FxDecimal(9, 1), false, 25, 9, 10, at, at.AddMinutes(1));

    private static PaymentDraft Draft(UInt128 id, UInt128 participant, UInt128 quoteId, DateTimeOffset at, UInt128? sell = null, UInt128? fee = null, uint sellLedger = Usd) =>
        new(id, participant, quoteId, 11, 12, 13, 14, 15, sellLedger, Eur, sell ?? 100, 90, fee ?? 1, 9, 10, 0xFEED, at);

    private static Func<RiskProfile?, PaymentActivity, RiskAssessment> Verdict(RiskOutcome outcome) =>
        (_, _) => new RiskAssessment(
            outcome,
            [new RiskDecision("kyc", outcome, "kyc_" + outcome, "Decided by the test.", Noon)],
            outcome == RiskOutcome.Accept ? null : "kyc_" + outcome);

    private static RiskDecision Operator(DateTimeOffset at) => new("operator", RiskOutcome.Accept, "operator_decision", "Reviewed by the operator.", at);

    /// <summary>Records a payment with its own new quote and the given verdict; asserts it was created.</summary>
    private async Task<Payment> PayAsync(
        UInt128 id, UInt128 participant, DateTimeOffset at, RiskOutcome outcome = RiskOutcome.Accept, UInt128? sell = null, UInt128? fee = null, uint sellLedger = Usd)
    {
        await Store.AddQuoteAsync(Quote(QuoteOf(id), participant, at), Token);
        var created = await Store.CreatePaymentAsync(Draft(id, participant, QuoteOf(id), at, sell, fee, sellLedger), Verdict(outcome), Token);
        Assert.Equal(PaymentCreationKind.Created, created.Kind);
        return created.Payment!;
    }

    /// <summary>
    /// What the store hands the assess function for a new payment of the participant at the time. The
    /// probe payment is then stored as rejected, so it never counts in a later probe.
    /// </summary>
    private async Task<(RiskProfile? Profile, PaymentActivity Activity)> ProbeAsync(UInt128 participant, DateTimeOffset at, uint sellLedger = Usd)
    {
        var id = ++probes;
        await Store.AddQuoteAsync(Quote(QuoteOf(id), participant, at), Token);
        RiskProfile? profile = null;
        PaymentActivity? activity = null;
        var created = await Store.CreatePaymentAsync(
            Draft(id, participant, QuoteOf(id), at, sellLedger: sellLedger),
            (p, a) =>
            {
                (profile, activity) = (p, a);
                return new RiskAssessment(RiskOutcome.Reject, [], "probe");
            },
            Token);
        Assert.Equal(PaymentCreationKind.Created, created.Kind);
        Assert.NotNull(activity);
        return (profile, activity);
    }

    private async Task<bool> AdvanceAsync(UInt128 id, PaymentStage stage, string? failureReason = null, DateTimeOffset? at = null) =>
        await Store.TryAdvancePaymentAsync(id, stage, failureReason, null, at ?? Noon, Token);

    private async Task<(PaymentStage Stage, DateTimeOffset UpdatedAt)> StageAsync(UInt128 id)
    {
        var payment = await Store.GetPaymentAsync(id, Token);
        Assert.NotNull(payment);
        return (payment.Stage, payment.UpdatedAt);
    }

    private async Task<UInt128[]> IdsAsync(PaymentQuery query) => [.. (await Store.ListPaymentsAsync(query, Token)).Select(static p => p.Id)];

    /// <summary>
    /// Starts every attempt at once, each on a thread of its own, released together, and waits for all.
    /// Own threads, not the pool's: SQLite's async calls complete synchronously, so on a small pool the
    /// attempts would otherwise run one after another and never race.
    /// </summary>
    private async Task<T[]> RaceAsync<T>(int attempts, Func<int, Task<T>> attempt)
    {
        using var start = new ManualResetEventSlim(false);
        var token = Token;
        var tasks = Enumerable.Range(0, attempts).Select(i => Task.Factory.StartNew(
            () =>
            {
                start.Wait(token);
                return attempt(i);
            },
            token,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default).Unwrap()).ToArray();
        start.Set();
        return await Task.WhenAll(tasks);
    }

    private static void AssertPayment(Payment expected, Payment? actual)
    {
        Assert.NotNull(actual);
        Assert.Equal(expected with { Decisions = NoDecisions }, actual with { Decisions = NoDecisions });
        Assert.Equal(expected.Decisions, actual.Decisions);
    }

    private static void AssertProfile(RiskProfile expected, RiskProfile? actual)
    {
        Assert.NotNull(actual);
        Assert.Equal(expected.Limits, actual.Limits);
        Assert.Equal(expected.UpdatedAt, actual.UpdatedAt);
        if (expected.Velocity is null)
        {
            Assert.Null(actual.Velocity);
            return;
        }

        Assert.NotNull(actual.Velocity);
        Assert.Equal((expected.Velocity.WindowSeconds, expected.Velocity.CountMax), (actual.Velocity.WindowSeconds, actual.Velocity.CountMax));
        Assert.Equal(expected.Velocity.ValueMax, actual.Velocity.ValueMax);
    }
}

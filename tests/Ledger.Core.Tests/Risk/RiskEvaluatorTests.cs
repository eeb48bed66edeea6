using Ledger.Core.Directory;
using Ledger.Core.Risk;

namespace Ledger.Core.Tests.Risk;

public sealed class RiskEvaluatorTests
{
    private const uint Usd = 840;
    private const uint Eur = 978;

    private static readonly DateTimeOffset Now = new(2025, 3, 14, 9, 26, 53, TimeSpan.Zero);

    private static RiskProfile Profile(
        UInt128? singleMax = null,
        UInt128? dailyMax = null,
        uint? countMax = null,
        UInt128? valueMax = null,
        bool velocity = true) =>
        new(
            [new CurrencyLimit(Usd, singleMax, dailyMax)],
            velocity ? new VelocityRule(3600, countMax, valueMax is { } v ? [new VelocityValueLimit(Usd, v)] : []) : null,
            Now.AddDays(-1));

    private static RiskInput Input(
        RiskProfile? profile,
        UInt128 sell,
        UInt128? fee = null,
        PaymentActivity? activity = null,
        KycStatus kyc = KycStatus.Verified) =>
        new(kyc, profile, Usd, sell, fee ?? UInt128.Zero, activity ?? PaymentActivity.None, Now);

    private static RiskDecision Single(RiskAssessment assessment, string rule) => Assert.Single(assessment.Decisions, d => d.Rule == rule);

    [Fact]
    public void Kyc_verified_accepts_and_pending_rejects()
    {
        var verified = RiskEvaluator.Evaluate(Input(null, 100));
        Assert.Equal(RiskOutcome.Accept, verified.Outcome);
        Assert.Null(verified.Reason);
        var decision = Assert.Single(verified.Decisions);
        Assert.Equal(("kyc", RiskOutcome.Accept, "kyc_verified", Now), (decision.Rule, decision.Outcome, decision.Reason, decision.At));

        var pending = RiskEvaluator.Evaluate(Input(null, 100, kyc: KycStatus.Pending));
        Assert.Equal(RiskOutcome.Reject, pending.Outcome);
        Assert.Equal("kyc_pending", pending.Reason);
        decision = Assert.Single(pending.Decisions);
        Assert.Equal(("kyc", RiskOutcome.Reject, "kyc_pending"), (decision.Rule, decision.Outcome, decision.Reason));
    }

    [Fact]
    public void Unknown_kyc_status_is_a_bug()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => RiskEvaluator.Evaluate(Input(null, 1, kyc: (KycStatus)0)));
    }

    [Fact]
    public void Single_payment_limit_equal_passes_one_above_rejects()
    {
        var profile = Profile(singleMax: 100_000);

        var equal = RiskEvaluator.Evaluate(Input(profile, 100_000));
        Assert.Equal(RiskOutcome.Accept, equal.Outcome);
        var pass = Single(equal, "single_payment_limit");
        Assert.Equal((RiskOutcome.Accept, "within_single_payment_limit"), (pass.Outcome, pass.Reason));
        Assert.Equal("The payment sells 100000 on ledger 840; the single payment limit is 100000.", pass.Detail);

        var above = RiskEvaluator.Evaluate(Input(profile, 100_001));
        Assert.Equal((RiskOutcome.Reject, "single_payment_limit_exceeded"), (above.Outcome, above.Reason));
        var hit = Single(above, "single_payment_limit");
        Assert.Equal((RiskOutcome.Reject, "single_payment_limit_exceeded"), (hit.Outcome, hit.Reason));
        Assert.Equal("The payment sells 100001 on ledger 840; the single payment limit is 100000.", hit.Detail);
    }

    [Fact]
    public void Daily_outflow_counts_the_fee_equal_passes_one_above_rejects()
    {
        var profile = Profile(dailyMax: 10_000);

        // 7000 already today + 2950 + fee 50 = 10000: equal to the limit.
        var equal = RiskEvaluator.Evaluate(Input(profile, 2950, 50, new PaymentActivity(7000, 0, 0)));
        Assert.Equal(RiskOutcome.Accept, equal.Outcome);
        var pass = Single(equal, "daily_outflow_limit");
        Assert.Equal((RiskOutcome.Accept, "within_daily_outflow_limit"), (pass.Outcome, pass.Reason));
        Assert.Contains("10000", pass.Detail, StringComparison.Ordinal);
        Assert.Contains("840", pass.Detail, StringComparison.Ordinal);

        // One cent more fee: 10001.
        var above = RiskEvaluator.Evaluate(Input(profile, 2950, 51, new PaymentActivity(7000, 0, 0)));
        Assert.Equal((RiskOutcome.Reject, "daily_outflow_limit_exceeded"), (above.Outcome, above.Reason));
        var hit = Single(above, "daily_outflow_limit");
        Assert.Equal(RiskOutcome.Reject, hit.Outcome);
        Assert.Equal(
            "The outflow today on ledger 840 is 7000; with this payment's 2950 and fee 51 it is 10001; the daily outflow limit is 10000.",
            hit.Detail);
    }

    [Fact]
    public void Daily_outflow_sum_beyond_128_bits_counts_as_above()
    {
        var profile = Profile(dailyMax: UInt128.MaxValue);

        // Max − 1 + 1 + 0 = Max: equal, passes.
        var equal = RiskEvaluator.Evaluate(Input(profile, 1, 0, new PaymentActivity(UInt128.MaxValue - 1, 0, 0)));
        Assert.Equal(RiskOutcome.Accept, equal.Outcome);

        // Max − 1 + 1 + 1 = Max + 1: would wrap to 0 in 128 bits; it is above the limit.
        var overflow = RiskEvaluator.Evaluate(Input(profile, 1, 1, new PaymentActivity(UInt128.MaxValue - 1, 0, 0)));
        Assert.Equal((RiskOutcome.Reject, "daily_outflow_limit_exceeded"), (overflow.Outcome, overflow.Reason));
        Assert.True(Single(overflow, "daily_outflow_limit").Detail.Length <= RiskDecision.DetailLengthMax);

        // All three at Max.
        var all = RiskEvaluator.Evaluate(Input(profile, UInt128.MaxValue, UInt128.MaxValue, new PaymentActivity(UInt128.MaxValue, 0, 0)));
        Assert.Equal(RiskOutcome.Reject, all.Outcome);
    }

    [Fact]
    public void Velocity_count_equal_passes_one_above_holds()
    {
        var profile = Profile(countMax: 5);

        // 4 earlier payments + this one = 5.
        var equal = RiskEvaluator.Evaluate(Input(profile, 1, activity: new PaymentActivity(0, 4, 0)));
        Assert.Equal(RiskOutcome.Accept, equal.Outcome);
        var pass = Single(equal, "velocity_count");
        Assert.Equal((RiskOutcome.Accept, "within_velocity_count"), (pass.Outcome, pass.Reason));

        var above = RiskEvaluator.Evaluate(Input(profile, 1, activity: new PaymentActivity(0, 5, 0)));
        Assert.Equal((RiskOutcome.Hold, "velocity_count_exceeded"), (above.Outcome, above.Reason));
        var hit = Single(above, "velocity_count");
        Assert.Equal(RiskOutcome.Hold, hit.Outcome);
        Assert.Equal("With this payment the participant makes 6 payments in 3600 seconds; the limit is 5.", hit.Detail);
    }

    [Fact]
    public void Velocity_count_at_the_largest_count_does_not_overflow()
    {
        var atMax = RiskEvaluator.Evaluate(Input(Profile(countMax: uint.MaxValue), 1, activity: new PaymentActivity(0, uint.MaxValue, 0)));
        Assert.Equal((RiskOutcome.Hold, "velocity_count_exceeded"), (atMax.Outcome, atMax.Reason));

        var justUnder = RiskEvaluator.Evaluate(Input(Profile(countMax: uint.MaxValue), 1, activity: new PaymentActivity(0, uint.MaxValue - 1, 0)));
        Assert.Equal(RiskOutcome.Accept, justUnder.Outcome);

        // A count limit of 0 holds every payment.
        Assert.Equal(RiskOutcome.Hold, RiskEvaluator.Evaluate(Input(Profile(countMax: 0), 1)).Outcome);
    }

    [Fact]
    public void Velocity_value_equal_passes_one_above_holds_and_overflow_counts_as_above()
    {
        var profile = Profile(valueMax: 50_000);

        // 40000 in the window + 10000 = 50000. The fee does not count towards velocity value.
        var equal = RiskEvaluator.Evaluate(Input(profile, 10_000, 999, new PaymentActivity(0, 0, 40_000)));
        Assert.Equal(RiskOutcome.Accept, equal.Outcome);
        var pass = Single(equal, "velocity_value");
        Assert.Equal((RiskOutcome.Accept, "within_velocity_value"), (pass.Outcome, pass.Reason));

        var above = RiskEvaluator.Evaluate(Input(profile, 10_001, 0, new PaymentActivity(0, 0, 40_000)));
        Assert.Equal((RiskOutcome.Hold, "velocity_value_exceeded"), (above.Outcome, above.Reason));
        var hit = Single(above, "velocity_value");
        Assert.Equal(
            "The participant sold 40000 on ledger 840 in the last 3600 seconds; with this payment's 10001 it is 50001; the limit is 50000.",
            hit.Detail);

        var overflow = RiskEvaluator.Evaluate(Input(Profile(valueMax: UInt128.MaxValue), 1, 0, new PaymentActivity(0, 0, UInt128.MaxValue)));
        Assert.Equal((RiskOutcome.Hold, "velocity_value_exceeded"), (overflow.Outcome, overflow.Reason));
    }

    [Fact]
    public void Rules_without_a_limit_for_the_sell_ledger_are_not_evaluated()
    {
        // Limits and velocity value only for EUR; the payment sells USD. The count limit applies to any currency.
        var profile = new RiskProfile(
            [new CurrencyLimit(Eur, 1, 1)],
            new VelocityRule(60, 10, [new VelocityValueLimit(Eur, 1)]),
            Now);
        var assessment = RiskEvaluator.Evaluate(Input(profile, 1_000_000, 1_000, new PaymentActivity(10, 0, 10)));
        Assert.Equal(["kyc", "velocity_count"], assessment.Decisions.Select(d => d.Rule));
        Assert.Equal(RiskOutcome.Accept, assessment.Outcome);

        // A currency limit with neither maximum, and a velocity rule with neither: only kyc.
        var empty = new RiskProfile([new CurrencyLimit(Usd, null, null)], new VelocityRule(60, null, []), Now);
        Assert.Equal(["kyc"], RiskEvaluator.Evaluate(Input(empty, 1)).Decisions.Select(d => d.Rule));

        // No velocity rule at all.
        Assert.Equal(["kyc", "single_payment_limit"], RiskEvaluator.Evaluate(Input(Profile(singleMax: 5, velocity: false), 1)).Decisions.Select(d => d.Rule));

        // Only the daily limit.
        Assert.Equal(["kyc", "daily_outflow_limit"], RiskEvaluator.Evaluate(Input(Profile(dailyMax: 5, velocity: false), 1)).Decisions.Select(d => d.Rule));
    }

    [Fact]
    public void Every_rule_is_recorded_in_order_even_after_a_reject()
    {
        var profile = Profile(singleMax: 100, dailyMax: 1000, countMax: 1, valueMax: 100);
        var assessment = RiskEvaluator.Evaluate(Input(profile, 500, 10, new PaymentActivity(900, 3, 50), KycStatus.Pending));

        Assert.Equal(
            [
                ("kyc", RiskOutcome.Reject, "kyc_pending"),
                ("single_payment_limit", RiskOutcome.Reject, "single_payment_limit_exceeded"),
                ("daily_outflow_limit", RiskOutcome.Reject, "daily_outflow_limit_exceeded"),
                ("velocity_count", RiskOutcome.Hold, "velocity_count_exceeded"),
                ("velocity_value", RiskOutcome.Hold, "velocity_value_exceeded"),
            ],
            assessment.Decisions.Select(d => (d.Rule, d.Outcome, d.Reason)));
        Assert.All(assessment.Decisions, d => Assert.Equal(Now, d.At));
        Assert.All(assessment.Decisions, d => Assert.InRange(d.Detail.Length, 1, RiskDecision.DetailLengthMax));

        // Reject wins over Hold; the reason is the first Reject's.
        Assert.Equal((RiskOutcome.Reject, "kyc_pending"), (assessment.Outcome, assessment.Reason));
    }

    [Fact]
    public void Outcome_is_the_strictest_and_the_reason_is_the_first_with_that_outcome()
    {
        var profile = Profile(singleMax: 100, dailyMax: 1000, countMax: 1, valueMax: 100);

        // Verified; only the daily limit rejects, both velocity rules hold: Reject, daily_outflow_limit_exceeded.
        var reject = RiskEvaluator.Evaluate(Input(profile, 100, 1, new PaymentActivity(900, 1, 50)));
        Assert.Equal((RiskOutcome.Reject, "daily_outflow_limit_exceeded"), (reject.Outcome, reject.Reason));
        Assert.Equal(5, reject.Decisions.Count);

        // Nothing rejects; both velocity rules hold: Hold, and the reason is the first hold (the count).
        var hold = RiskEvaluator.Evaluate(Input(profile, 100, 0, new PaymentActivity(0, 1, 50)));
        Assert.Equal((RiskOutcome.Hold, "velocity_count_exceeded"), (hold.Outcome, hold.Reason));

        // Only the value holds.
        var valueHold = RiskEvaluator.Evaluate(Input(profile, 100, 0, new PaymentActivity(0, 0, 1)));
        Assert.Equal((RiskOutcome.Hold, "velocity_value_exceeded"), (valueHold.Outcome, valueHold.Reason));

        // Everything within its limit: Accept, no reason, five accepting decisions.
        var accept = RiskEvaluator.Evaluate(Input(profile, 100, 0, new PaymentActivity(0, 0, 0)));
        Assert.Equal(RiskOutcome.Accept, accept.Outcome);
        Assert.Null(accept.Reason);
        Assert.Equal(
            ["kyc_verified", "within_single_payment_limit", "within_daily_outflow_limit", "within_velocity_count", "within_velocity_value"],
            accept.Decisions.Select(d => d.Reason));
    }

    [Fact]
    public void Same_input_same_assessment()
    {
        var input = Input(Profile(singleMax: 100, dailyMax: 1000, countMax: 1, valueMax: 100), 150, 3, new PaymentActivity(1, 1, 1));
        var first = RiskEvaluator.Evaluate(input);
        var second = RiskEvaluator.Evaluate(input);
        Assert.Equal(first.Outcome, second.Outcome);
        Assert.Equal(first.Reason, second.Reason);
        Assert.Equal(first.Decisions, second.Decisions);
    }

    [Fact]
    public void Largest_numbers_keep_the_detail_within_its_limit()
    {
        var profile = Profile(UInt128.MaxValue - 1, UInt128.MaxValue - 1, uint.MaxValue - 1, UInt128.MaxValue - 1);
        var input = new RiskInput(KycStatus.Pending, profile, uint.MaxValue, UInt128.MaxValue, UInt128.MaxValue, new PaymentActivity(UInt128.MaxValue, uint.MaxValue, UInt128.MaxValue), Now);

        // The profile is for ledger 840, so use one for uint.MaxValue as well.
        var wide = profile with
        {
            Limits = [new CurrencyLimit(uint.MaxValue, UInt128.MaxValue - 1, UInt128.MaxValue - 1)],
            Velocity = new VelocityRule(VelocityRule.WindowSecondsMax, uint.MaxValue - 1, [new VelocityValueLimit(uint.MaxValue, UInt128.MaxValue - 1)]),
        };
        var assessment = RiskEvaluator.Evaluate(input with { Profile = wide });
        Assert.Equal(5, assessment.Decisions.Count);
        Assert.All(assessment.Decisions, d => Assert.True(d.Detail.Length <= RiskDecision.DetailLengthMax, d.Detail));
    }
}

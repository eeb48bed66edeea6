using System.Numerics;
using Ledger.Core.Directory;

namespace Ledger.Core.Risk;

/// <summary>
/// Decides whether a new payment goes ahead (Accept), waits for the operator (Hold) or is refused (Reject).
/// Pure: the same input always gives the same assessment.
/// </summary>
public static class RiskEvaluator
{
    /// <summary>
    /// Runs every rule that applies, in this order, and records one <see cref="RiskDecision"/> for each, at
    /// <see cref="RiskInput.Now"/>; a rejecting rule does not stop the later ones, so every decision is visible.
    /// <list type="number">
    /// <item><c>kyc</c>: Pending rejects (<c>kyc_pending</c>), Verified accepts (<c>kyc_verified</c>).</item>
    /// <item><c>single_payment_limit</c>, when the profile limits single payments on the sell ledger: a sell amount
    /// above the limit rejects (<c>single_payment_limit_exceeded</c>), else accepts (<c>within_single_payment_limit</c>).</item>
    /// <item><c>daily_outflow_limit</c>, when the profile limits daily outflow on the sell ledger: today's outflow plus
    /// the sell amount plus the fee above the limit rejects (<c>daily_outflow_limit_exceeded</c>), else accepts
    /// (<c>within_daily_outflow_limit</c>).</item>
    /// <item><c>velocity_count</c>, when the velocity rule has a count limit: the payments in the window plus this one
    /// above the limit holds (<c>velocity_count_exceeded</c>), else accepts (<c>within_velocity_count</c>).</item>
    /// <item><c>velocity_value</c>, when the velocity rule limits value on the sell ledger: the value sold in the window
    /// plus the sell amount above the limit holds (<c>velocity_value_exceeded</c>), else accepts
    /// (<c>within_velocity_value</c>).</item>
    /// </list>
    /// An amount equal to its limit passes. Sums are exact, so one beyond 128 bits counts as above any limit.
    /// The outcome is the strictest of the decisions (Reject, then Hold, then Accept); the reason is the reason
    /// code of the first decision with that outcome, and null when the outcome is Accept.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The KYC status is not a defined value.</exception>
    public static RiskAssessment Evaluate(RiskInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(input.Activity);

        var decisions = new List<RiskDecision>(5) { Kyc(input) };
        var profile = input.Profile;
        var ledger = input.SellLedger;

        var limit = profile?.Limits.FirstOrDefault(l => l.Ledger == ledger);
        if (limit?.SinglePaymentMax is { } singleMax)
        {
            var exceeded = input.SellAmount > singleMax;
            decisions.Add(Decide(
                input,
                "single_payment_limit",
                exceeded ? RiskOutcome.Reject : RiskOutcome.Accept,
                exceeded ? "single_payment_limit_exceeded" : "within_single_payment_limit",
                $"The payment sells {input.SellAmount} on ledger {ledger}; the single payment limit is {singleMax}."));
        }

        if (limit?.DailyOutflowMax is { } dailyMax)
        {
            var total = (BigInteger)input.Activity.OutflowToday + (BigInteger)input.SellAmount + (BigInteger)input.FeeAmount;
            var exceeded = total > (BigInteger)dailyMax;
            decisions.Add(Decide(
                input,
                "daily_outflow_limit",
                exceeded ? RiskOutcome.Reject : RiskOutcome.Accept,
                exceeded ? "daily_outflow_limit_exceeded" : "within_daily_outflow_limit",
                $"The outflow today on ledger {ledger} is {input.Activity.OutflowToday}; with this payment's {input.SellAmount} and fee {input.FeeAmount} it is {total}; the daily outflow limit is {dailyMax}."));
        }

        var velocity = profile?.Velocity;
        if (velocity?.CountMax is { } countMax)
        {
            // In 64 bits so a count at uint.MaxValue plus this payment cannot overflow.
            var count = (ulong)input.Activity.CountInWindow + 1;
            var exceeded = count > countMax;
            decisions.Add(Decide(
                input,
                "velocity_count",
                exceeded ? RiskOutcome.Hold : RiskOutcome.Accept,
                exceeded ? "velocity_count_exceeded" : "within_velocity_count",
                $"With this payment the participant makes {count} payments in {velocity.WindowSeconds} seconds; the limit is {countMax}."));
        }

        var valueLimit = velocity?.ValueMax.FirstOrDefault(v => v.Ledger == ledger);
        if (velocity is not null && valueLimit is not null)
        {
            var total = (BigInteger)input.Activity.ValueInWindow + (BigInteger)input.SellAmount;
            var exceeded = total > (BigInteger)valueLimit.ValueMax;
            decisions.Add(Decide(
                input,
                "velocity_value",
                exceeded ? RiskOutcome.Hold : RiskOutcome.Accept,
                exceeded ? "velocity_value_exceeded" : "within_velocity_value",
                $"The participant sold {input.Activity.ValueInWindow} on ledger {ledger} in the last {velocity.WindowSeconds} seconds; with this payment's {input.SellAmount} it is {total}; the limit is {valueLimit.ValueMax}."));
        }

        var outcome = decisions.Max(d => d.Outcome);
        var reason = outcome == RiskOutcome.Accept ? null : decisions.First(d => d.Outcome == outcome).Reason;
        return new RiskAssessment(outcome, decisions, reason);
    }

    private static RiskDecision Kyc(RiskInput input) => input.Kyc switch
    {
        KycStatus.Verified => Decide(input, "kyc", RiskOutcome.Accept, "kyc_verified", "The participant's KYC is verified."),
        KycStatus.Pending => Decide(input, "kyc", RiskOutcome.Reject, "kyc_pending", "The participant's KYC is pending; they cannot pay until it is verified."),
        _ => throw new ArgumentOutOfRangeException(nameof(input), input.Kyc, "Unknown KYC status."),
    };

    private static RiskDecision Decide(RiskInput input, string rule, RiskOutcome outcome, string reason, string detail)
    {
        // The longest detail, with every number at 40 digits, is about 250 characters; a longer one is a bug here.
        if (detail.Length > RiskDecision.DetailLengthMax)
        {
            throw new InvalidOperationException($"The detail of rule {rule} is {detail.Length} characters, above {RiskDecision.DetailLengthMax}.");
        }

        return new RiskDecision(rule, outcome, reason, detail, input.Now);
    }
}

namespace Ledger.Core.Risk;

public enum RiskOutcome : byte
{
    Accept = 1,
    Hold = 2,
    Reject = 3,
}

/// <summary>
/// One recorded decision on a payment: which rule (or who) decided, the outcome, a stable reason code and
/// a sentence for people. Rules: <c>kyc</c>, <c>single_payment_limit</c>, <c>daily_outflow_limit</c>,
/// <c>velocity_count</c>, <c>velocity_value</c>; then <c>operator</c> (release or reject of a held
/// payment) and <c>ledger</c> (the ledger refused the legs).
/// </summary>
public sealed record RiskDecision(string Rule, RiskOutcome Outcome, string Reason, string Detail, DateTimeOffset At)
{
    public const int DetailLengthMax = 500;
}

/// <summary>The verdict on a new payment: the strictest outcome of all rules, the decisions that led to it, and the reason code when it is not Accept.</summary>
public sealed record RiskAssessment(RiskOutcome Outcome, IReadOnlyList<RiskDecision> Decisions, string? Reason);

using Ledger.Core.Directory;

namespace Ledger.Core.Risk;

/// <summary>
/// Everything <see cref="RiskEvaluator.Evaluate"/> looks at for one new payment: the participant's KYC status,
/// their risk profile (null when none applies), the payment's sell currency and amounts in minor units, what the
/// participant has already sent (<see cref="PaymentActivity"/>), and the time the decisions are recorded at.
/// </summary>
public sealed record RiskInput(
    KycStatus Kyc,
    RiskProfile? Profile,
    uint SellLedger,
    UInt128 SellAmount,
    UInt128 FeeAmount,
    PaymentActivity Activity,
    DateTimeOffset Now);

namespace Ledger.Core.Payments;

/// <summary>
/// How far a payment's (or refund's) ledger work has got, as the node last recorded it. The ledger itself
/// is the truth: the legs have deterministic ids, so a status is derived from the transfers that exist,
/// and the stage only says what work may still be owed.
/// </summary>
public enum PaymentStage : byte
{
    /// <summary>Recorded; its legs may not be in the ledger yet.</summary>
    Received = 0,

    /// <summary>Its legs are in the ledger (posted, or pending when the payment is held).</summary>
    Committed = 1,

    /// <summary>A held payment's pending legs were posted or voided after the operator's decision (or they expired).</summary>
    Resolved = 2,

    /// <summary>The ledger refused the legs; nothing moved.</summary>
    Failed = 3,
}

/// <summary>The operator's decision on a held payment.</summary>
public enum OperatorAction : byte
{
    None = 0,
    Release = 1,
    Reject = 2,
}

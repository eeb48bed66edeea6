namespace Ledger.Core.Payments;

/// <summary>
/// A payment's status as the API reports it (ISO 20022 status codes in brackets): Received (RCVD) while
/// its legs are being committed; Pending (PDNG) while held for the operator with its funds reserved;
/// Accepted (ACSP) once its legs are posted; Settled (ACCC) once the settlement batch holding them is
/// anchored and final; Rejected (RJCT) with a reason.
/// </summary>
public enum PaymentStatus : byte
{
    Received = 0,
    Pending = 1,
    Accepted = 2,
    Settled = 3,
    Rejected = 4,
}

/// <summary>
/// A payment's status derived from the ledger: <paramref name="LogIndex"/> is the log index of the transfer
/// that completed it (its last leg, or the last post of a released payment), <paramref name="SettlementSeq"/>
/// the batch holding that transfer once one is closed.
/// </summary>
public sealed record PaymentState(
    PaymentStatus Status,
    string? Reason,
    IReadOnlyList<UInt128> LegIds,
    IReadOnlyList<UInt128> ResolutionIds,
    ulong? LogIndex,
    ulong? SettlementSeq);

/// <summary>A refund's status: Received while its legs are being committed, Completed once they are, Rejected with the ledger's reason.</summary>
public enum RefundStatus : byte
{
    Received = 0,
    Completed = 1,
    Rejected = 2,
}

namespace Ledger.Core.Directory;

public enum ParticipantRole : byte
{
    Operator = 1,
    Bank = 2,
    Merchant = 3,
    Auditor = 4,
}

public enum KycStatus : byte
{
    Verified = 1,
    Pending = 2,
}

/// <summary>Someone who holds accounts or reads the ledger. The operator is a participant too.</summary>
public sealed record Participant(
    UInt128 Id,
    string Name,
    ParticipantRole Role,
    string Country,
    KycStatus KycStatus,
    DateTimeOffset CreatedAt);

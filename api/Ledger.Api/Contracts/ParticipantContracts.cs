using System.ComponentModel;
using Ledger.Api.Wire;
using Ledger.Core.Directory;

namespace Ledger.Api.Contracts;

/// <summary>The body of POST /v1/participants.</summary>
public sealed record CreateParticipantBody
{
    [WireError("invalid_id")]
    [Description("The participant's id, a UUID the client chooses (UUIDv7 recommended).")]
    public required string Id { get; init; }

    [WireError("invalid_name")]
    [Description("The participant's legal or display name, 1 to 200 characters.")]
    public required string Name { get; init; }

    [WireError("invalid_role")]
    [Description("bank, merchant or auditor.")]
    public required ParticipantRole Role { get; init; }

    [WireError("invalid_country")]
    [Description("ISO 3166-1 alpha-2 country code, such as GB.")]
    public required string Country { get; init; }

    [WireError("invalid_kyc_status")]
    [Description("verified or pending (a pending participant may not send transfers); pending when omitted.")]
    public KycStatus? KycStatus { get; init; }
}

/// <summary>A participant as the API shows it.</summary>
public sealed record ParticipantResponse(
    string Id,
    string Name,
    ParticipantRole Role,
    string Country,
    KycStatus KycStatus,
    [property: Description("RFC 3339, UTC.")] string CreatedAt)
{
    public static ParticipantResponse From(Participant participant)
    {
        ArgumentNullException.ThrowIfNull(participant);
        return new ParticipantResponse(
            WireFormat.Id(participant.Id),
            participant.Name,
            participant.Role,
            participant.Country,
            participant.KycStatus,
            WireFormat.Timestamp(participant.CreatedAt));
    }
}

/// <summary>A participant just created, with its API key: the only time the key is shown.</summary>
public sealed record CreatedParticipantResponse(
    string Id,
    string Name,
    ParticipantRole Role,
    string Country,
    KycStatus KycStatus,
    string ApiKey,
    [property: Description("RFC 3339, UTC.")] string CreatedAt);

using System.ComponentModel;
using Ledger.Api.Wire;
using Ledger.Core.Directory;

namespace Ledger.Api.Contracts;

/// <summary>The body of PATCH /v1/participants/{id}.</summary>
public sealed record UpdateParticipantBody
{
    [WireError("invalid_kyc_status")]
    [Description("verified or pending.")]
    public required KycStatus KycStatus { get; init; }
}

public sealed record CurrencyLimitBody
{
    [WireError("unknown_currency")]
    public required string Currency { get; init; }

    [WireError("invalid_amount")]
    [Description("The largest single payment selling this currency, in minor units; no limit when omitted.")]
    public string? SinglePaymentMax { get; init; }

    [WireError("invalid_amount")]
    [Description("The most that may leave in this currency (sell amounts plus fees) per UTC day; no limit when omitted.")]
    public string? DailyOutflowMax { get; init; }
}

public sealed record VelocityValueBody
{
    [WireError("unknown_currency")]
    public required string Currency { get; init; }

    [WireError("invalid_amount")]
    public required string Amount { get; init; }
}

public sealed record VelocityBody
{
    [WireError("invalid_window")]
    [Description("The window, in seconds (1 to 2,678,400).")]
    public required long WindowSeconds { get; init; }

    [WireError("invalid_count")]
    [Description("More payments than this within the window holds the payment; no count rule when omitted.")]
    public long? CountMax { get; init; }

    [Description("More sell value than this, per currency, within the window holds the payment.")]
    public IReadOnlyList<VelocityValueBody>? ValueMax { get; init; }
}

/// <summary>The body of PUT /v1/participants/{id}/risk and PUT /v1/risk/default.</summary>
public sealed record RiskProfileBody
{
    public IReadOnlyList<CurrencyLimitBody>? Limits { get; init; }

    public VelocityBody? Velocity { get; init; }
}

public sealed record CurrencyLimitResponse(string Currency, string? SinglePaymentMax, string? DailyOutflowMax);

public sealed record VelocityValueResponse(string Currency, string Amount);

public sealed record VelocityResponse(uint WindowSeconds, uint? CountMax, IReadOnlyList<VelocityValueResponse> ValueMax);

public sealed record RiskProfileResponse(
    [property: Description("The participant, or null for the default profile.")] string? ParticipantId,
    IReadOnlyList<CurrencyLimitResponse> Limits,
    VelocityResponse? Velocity,
    [property: Description("RFC 3339, UTC.")] string UpdatedAt);

using System.Globalization;
using System.Security.Claims;
using Ledger.Core.Codec;
using Ledger.Core.Directory;

namespace Ledger.Api.Security;

/// <summary>The authenticated participant behind a request, as the authentication handler described it.</summary>
public sealed record Caller(UInt128 Id, ParticipantRole Role, KycStatus KycStatus)
{
    public const string KycStatusClaim = "kyc_status";

    public bool IsOperator => Role == ParticipantRole.Operator;

    /// <summary>The operator and auditors may read every participant, account and transfer.</summary>
    public bool ReadsEverything => Role is ParticipantRole.Operator or ParticipantRole.Auditor;

    public static Caller From(ClaimsPrincipal user)
    {
        ArgumentNullException.ThrowIfNull(user);
        var id = user.FindFirstValue(ClaimTypes.NameIdentifier);
        var role = user.FindFirstValue(ClaimTypes.Role);
        var kyc = user.FindFirstValue(KycStatusClaim);

        // The endpoints under /v1 require an authenticated user, so a missing claim is a wiring bug.
        if (!Uuid.TryParse(id, out var participantId) ||
            !Enum.TryParse<ParticipantRole>(role, ignoreCase: true, out var participantRole) ||
            !Enum.TryParse<KycStatus>(kyc, ignoreCase: true, out var kycStatus))
        {
            throw new InvalidOperationException("The request has no authenticated participant.");
        }

        return new Caller(participantId, participantRole, kycStatus);
    }

    public static ClaimsIdentity IdentityOf(Participant participant, string authenticationType)
    {
        ArgumentNullException.ThrowIfNull(participant);
        return new ClaimsIdentity(
            [
                new Claim(ClaimTypes.NameIdentifier, Uuid.Format(participant.Id)),
                new Claim(ClaimTypes.Name, participant.Name),
                new Claim(ClaimTypes.Role, participant.Role.ToString().ToLower(CultureInfo.InvariantCulture)),
                new Claim(KycStatusClaim, participant.KycStatus.ToString().ToLower(CultureInfo.InvariantCulture)),
            ],
            authenticationType,
            ClaimTypes.Name,
            ClaimTypes.Role);
    }
}

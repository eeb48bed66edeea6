using Ledger.Api.Wire;
using Ledger.Core.Directory;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Ledger.Api.Security;

/// <summary>Role checks the endpoints run before they read a body, so a wrong role is a 403 whatever the body.</summary>
public static class Access
{
    public static ProblemHttpResult? RequireRole(Caller caller, params ReadOnlySpan<ParticipantRole> roles)
    {
        ArgumentNullException.ThrowIfNull(caller);
        foreach (var role in roles)
        {
            if (caller.Role == role)
            {
                return null;
            }
        }

        var names = new List<string>(roles.Length);
        foreach (var role in roles)
        {
            names.Add(Name(role));
        }

        return Problems.Forbidden("forbidden", $"This needs the role {string.Join(" or ", names)}; the caller is {Article(caller.Role)} {Name(caller.Role)}.");
    }

    /// <summary>Whether the caller may read something owned by <paramref name="owners"/>.</summary>
    public static bool MayRead(Caller caller, params ReadOnlySpan<UInt128> owners)
    {
        ArgumentNullException.ThrowIfNull(caller);
        if (caller.ReadsEverything)
        {
            return true;
        }

        foreach (var owner in owners)
        {
            if (owner == caller.Id)
            {
                return true;
            }
        }

        return false;
    }

    public static string Name(ParticipantRole role) => role.ToString().ToLowerInvariant();

    private static string Article(ParticipantRole role) => role is ParticipantRole.Operator or ParticipantRole.Auditor ? "an" : "a";
}

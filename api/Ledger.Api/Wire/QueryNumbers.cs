using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Ledger.Api.Wire;

/// <summary>Whole-number query parameters: absent means the default; anything else must be digits within range.</summary>
public static class QueryNumbers
{
    public static ProblemHttpResult? Read(HttpRequest request, string name, ulong min, ulong max, ulong fallback, out ulong value)
    {
        ArgumentNullException.ThrowIfNull(request);
        value = fallback;
        if (!request.Query.TryGetValue(name, out var values))
        {
            return null;
        }

        if (values.Count != 1 || !ulong.TryParse(values[0], NumberStyles.None, CultureInfo.InvariantCulture, out value) || value < min || value > max)
        {
            return Problems.BadRequest($"invalid_{name}", $"{name} must be one whole number from {min} to {max}.");
        }

        return null;
    }
}

using System.Globalization;
using Ledger.Core.Codec;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Ledger.Api.Wire;

/// <summary>How ids, amounts, integers and timestamps look on the wire, and their parsers.</summary>
public static class WireFormat
{
    /// <summary>
    /// An amount is a string of decimal digits, at most 2^128-1. No sign, point, exponent, spaces or
    /// empty string: the digit check runs first, so UInt128's own parser never sees anything else.
    /// </summary>
    public static bool TryParseAmount(string? text, out UInt128 amount)
    {
        amount = UInt128.Zero;
        if (!IsDigits(text))
        {
            return false;
        }

        return UInt128.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out amount);
    }

    /// <summary>An unsigned 64-bit integer written as a string of decimal digits.</summary>
    public static bool TryParseUInt64(string? text, out ulong value)
    {
        value = 0;
        return IsDigits(text) && ulong.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value);
    }

    public static string Amount(UInt128 amount) => amount.ToString(CultureInfo.InvariantCulture);

    public static string Integer(ulong value) => value.ToString(CultureInfo.InvariantCulture);

    public static string Id(UInt128 id) => Uuid.Format(id);

    /// <summary>Null for the zero id, which means "none" in optional fields.</summary>
    public static string? OptionalId(UInt128 id) => id == UInt128.Zero ? null : Uuid.Format(id);

    /// <summary>Parses a client-chosen id: UUID text, and never the all-zero UUID.</summary>
    public static ProblemHttpResult? ParseId(string? text, string field, out UInt128 id)
    {
        if (!Uuid.TryParse(text, out id))
        {
            return Problems.BadRequest("invalid_id", $"{field} must be a UUID in its 36-character text form, such as 0192f3a0-7b1c-7d2e-8f00-112233445566.");
        }

        if (id == UInt128.Zero)
        {
            return Problems.BadRequest("zero_id", $"{field} must not be the all-zero UUID.");
        }

        return null;
    }

    /// <summary>RFC 3339 in UTC with nanoseconds, from nanoseconds since the Unix epoch.</summary>
    public static string Timestamp(ulong nanoseconds)
    {
        var seconds = nanoseconds / 1_000_000_000UL;
        var fraction = nanoseconds % 1_000_000_000UL;
        var instant = DateTimeOffset.UnixEpoch.AddSeconds(seconds);
        return string.Create(CultureInfo.InvariantCulture, $"{instant.UtcDateTime:yyyy'-'MM'-'dd'T'HH':'mm':'ss}.{fraction:D9}Z");
    }

    /// <summary>RFC 3339 in UTC.</summary>
    public static string Timestamp(DateTimeOffset instant) =>
        instant.UtcDateTime.ToString("yyyy'-'MM'-'dd'T'HH':'mm':'ss'.'fffffff'Z'", CultureInfo.InvariantCulture);

    public static ulong Nanoseconds(DateTimeOffset instant)
    {
        var ticks = instant.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks;
        return ticks <= 0 ? 0UL : (ulong)ticks * 100UL;
    }

    private static bool IsDigits(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return false;
        }

        foreach (var c in text)
        {
            if (c is < '0' or > '9')
            {
                return false;
            }
        }

        return true;
    }
}

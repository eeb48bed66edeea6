using System.Buffers.Binary;

namespace Ledger.Auditor.Records;

/// <summary>UUIDs as the record holds them: the 16 bytes in network order, read as one big-endian number.</summary>
internal static class Uuids
{
    /// <summary>The RFC 9562 text form, lowercase.</summary>
    public static string ToText(UInt128 value)
    {
        Span<byte> bytes = stackalloc byte[16];
        BinaryPrimitives.WriteUInt128BigEndian(bytes, value);
        return new Guid(bytes, bigEndian: true).ToString("D");
    }

    /// <summary>Parses the RFC 9562 text form (either case) to the record's number; false for anything else.</summary>
    public static bool TryParse(string? text, out UInt128 value)
    {
        value = UInt128.Zero;
        if (text is null || text.Length != 36 || !Guid.TryParseExact(text, "D", out var guid))
        {
            return false;
        }

        Span<byte> bytes = stackalloc byte[16];
        if (!guid.TryWriteBytes(bytes, bigEndian: true, out _))
        {
            return false;
        }

        value = BinaryPrimitives.ReadUInt128BigEndian(bytes);
        return true;
    }
}

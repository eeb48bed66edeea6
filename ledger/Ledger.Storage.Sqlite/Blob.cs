using System.Buffers.Binary;

namespace Ledger.Storage.Sqlite;

/// <summary>128-bit values are stored as 16 big-endian bytes, so byte order equals numeric order.</summary>
internal static class Blob
{
    public static byte[] From(UInt128 value)
    {
        var bytes = new byte[16];
        BinaryPrimitives.WriteUInt128BigEndian(bytes, value);
        return bytes;
    }

    public static UInt128 ToUInt128(byte[] bytes) => BinaryPrimitives.ReadUInt128BigEndian(bytes);

    /// <summary>Timestamps are unsigned 64-bit nanoseconds; SQLite integers are signed. Nanoseconds since 1970 fit until 2262.</summary>
    public static long From(ulong value) => checked((long)value);

    public static ulong ToUInt64(long value) => checked((ulong)value);
}

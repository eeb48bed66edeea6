using System.Buffers.Binary;
using Ledger.Core.Codec;
using Ledger.Core.Domain;
using Npgsql;
using NpgsqlTypes;

namespace Ledger.Storage.Postgres;

/// <summary>
/// Column encodings shared by reads and the commit session. 128-bit values are 16 big-endian bytes
/// (bytea), so byte order equals numeric order; unsigned 64-bit timestamps are bigint.
/// </summary>
internal static class PostgresRows
{
    public const string TransferColumns = "t.log_index, t.record, p.status, p.expires_at, p.resolved_at";

    public const string TransferFrom = "transfers t LEFT JOIN pending_transfers p ON p.id = t.id";

    public static byte[] Bytes(UInt128 value)
    {
        var bytes = new byte[16];
        BinaryPrimitives.WriteUInt128BigEndian(bytes, value);
        return bytes;
    }

    public static UInt128 ToUInt128(byte[] bytes) => BinaryPrimitives.ReadUInt128BigEndian(bytes);

    /// <summary>Timestamps are unsigned 64-bit nanoseconds; bigint is signed. Nanoseconds since 1970 fit until 2262.</summary>
    public static long Int64(ulong value) => checked((long)value);

    public static ulong UInt64(long value) => checked((ulong)value);

    /// <summary>One bytea[] parameter holding every id: a whole set goes to the server in one statement.</summary>
    public static NpgsqlParameter<byte[][]> IdArray(IReadOnlyCollection<UInt128> ids)
    {
        var array = new byte[ids.Count][];
        var i = 0;
        foreach (var id in ids)
        {
            array[i++] = Bytes(id);
        }

        return ByteaArray(array);
    }

    public static NpgsqlParameter<byte[][]> ByteaArray(byte[][] values) => new() { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bytea, TypedValue = values };

    public static NpgsqlParameter<long[]> BigIntArray(long[] values) => new() { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bigint, TypedValue = values };

    public static NpgsqlParameter<byte[]> Bytea(byte[] value) => new() { NpgsqlDbType = NpgsqlDbType.Bytea, TypedValue = value };

    public static NpgsqlParameter<string> Text(string value) => new() { NpgsqlDbType = NpgsqlDbType.Text, TypedValue = value };

    public static NpgsqlParameter<short> SmallInt(short value) => new() { NpgsqlDbType = NpgsqlDbType.Smallint, TypedValue = value };

    public static NpgsqlParameter<byte[]> Id(UInt128 id) => Bytea(Bytes(id));

    public static NpgsqlParameter<long> BigInt(long value) => new() { NpgsqlDbType = NpgsqlDbType.Bigint, TypedValue = value };

    public static NpgsqlParameter<int> Integer(int value) => new() { NpgsqlDbType = NpgsqlDbType.Integer, TypedValue = value };

    public static StoredTransfer ReadStoredTransfer(NpgsqlDataReader reader)
    {
        var transfer = TransferRecord.Decode(reader.GetFieldValue<byte[]>(1));
        PendingState? pending = reader.IsDBNull(2)
            ? null
            : new PendingState(transfer.Id, (PendingStatus)reader.GetInt16(2), UInt64(reader.GetInt64(3)), UInt64(reader.GetInt64(4)));
        return new StoredTransfer(transfer, UInt64(reader.GetInt64(0)), pending);
    }

    public static PendingState ReadPending(NpgsqlDataReader reader) => new(
        ToUInt128(reader.GetFieldValue<byte[]>(0)),
        (PendingStatus)reader.GetInt16(1),
        UInt64(reader.GetInt64(2)),
        UInt64(reader.GetInt64(3)));
}

using System.Buffers.Binary;

namespace Ledger.Auditor.Records;

/// <summary>
/// The 128-byte transfer record of PROOFS.md, field by field, big-endian: id 0..16, debit 16..32,
/// credit 32..48, amount 48..64, pending_id 64..80, user_data_128 80..96, user_data_64 96..104,
/// user_data_32 104..108, timeout 108..112, ledger 112..116, code 116..118, flags 118..120,
/// timestamp 120..128. Read here from the specification, not from the ledger's own codec.
/// </summary>
internal sealed record RecordFields(
    UInt128 Id,
    UInt128 DebitAccountId,
    UInt128 CreditAccountId,
    UInt128 Amount,
    UInt128 PendingId,
    UInt128 UserData128,
    ulong UserData64,
    uint UserData32,
    uint TimeoutSeconds,
    uint Ledger,
    ushort Code,
    ushort Flags,
    ulong TimestampNs)
{
    public const int Size = 128;

    public static RecordFields Parse(ReadOnlySpan<byte> record)
    {
        if (record.Length != Size)
        {
            throw new FormatException($"A record is {Size} bytes; this one is {record.Length}.");
        }

        return new RecordFields(
            BinaryPrimitives.ReadUInt128BigEndian(record[0..16]),
            BinaryPrimitives.ReadUInt128BigEndian(record[16..32]),
            BinaryPrimitives.ReadUInt128BigEndian(record[32..48]),
            BinaryPrimitives.ReadUInt128BigEndian(record[48..64]),
            BinaryPrimitives.ReadUInt128BigEndian(record[64..80]),
            BinaryPrimitives.ReadUInt128BigEndian(record[80..96]),
            BinaryPrimitives.ReadUInt64BigEndian(record[96..104]),
            BinaryPrimitives.ReadUInt32BigEndian(record[104..108]),
            BinaryPrimitives.ReadUInt32BigEndian(record[108..112]),
            BinaryPrimitives.ReadUInt32BigEndian(record[112..116]),
            BinaryPrimitives.ReadUInt16BigEndian(record[116..118]),
            BinaryPrimitives.ReadUInt16BigEndian(record[118..120]),
            BinaryPrimitives.ReadUInt64BigEndian(record[120..128]));
    }
}

using System.Buffers.Binary;
using Ledger.Core.Domain;

namespace Ledger.Core.Codec;

/// <summary>
/// The 128-byte big-endian record of PROOFS.md. Its layout is what auditors hash, so it never changes:
/// id 0..16, debit 16..32, credit 32..48, amount 48..64, pending_id 64..80, user_data_128 80..96,
/// user_data_64 96..104, user_data_32 104..108, timeout 108..112, ledger 112..116, code 116..118,
/// flags 118..120, timestamp 120..128.
/// </summary>
public static class TransferRecord
{
    public const int Size = 128;

    public static byte[] Encode(in Transfer transfer)
    {
        var bytes = new byte[Size];
        Encode(transfer, bytes);
        return bytes;
    }

    public static void Encode(in Transfer transfer, Span<byte> destination)
    {
        if (destination.Length < Size)
        {
            throw new ArgumentException($"A record needs {Size} bytes.", nameof(destination));
        }

        BinaryPrimitives.WriteUInt128BigEndian(destination[0..16], transfer.Id);
        BinaryPrimitives.WriteUInt128BigEndian(destination[16..32], transfer.DebitAccountId);
        BinaryPrimitives.WriteUInt128BigEndian(destination[32..48], transfer.CreditAccountId);
        BinaryPrimitives.WriteUInt128BigEndian(destination[48..64], transfer.Amount);
        BinaryPrimitives.WriteUInt128BigEndian(destination[64..80], transfer.PendingId);
        BinaryPrimitives.WriteUInt128BigEndian(destination[80..96], transfer.UserData128);
        BinaryPrimitives.WriteUInt64BigEndian(destination[96..104], transfer.UserData64);
        BinaryPrimitives.WriteUInt32BigEndian(destination[104..108], transfer.UserData32);
        BinaryPrimitives.WriteUInt32BigEndian(destination[108..112], transfer.TimeoutSeconds);
        BinaryPrimitives.WriteUInt32BigEndian(destination[112..116], transfer.Ledger);
        BinaryPrimitives.WriteUInt16BigEndian(destination[116..118], transfer.Code);
        BinaryPrimitives.WriteUInt16BigEndian(destination[118..120], (ushort)transfer.Flags);
        BinaryPrimitives.WriteUInt64BigEndian(destination[120..128], transfer.Timestamp);
    }

    public static Transfer Decode(ReadOnlySpan<byte> record)
    {
        if (record.Length != Size)
        {
            throw new ArgumentException($"A record is exactly {Size} bytes, not {record.Length}.", nameof(record));
        }

        return new Transfer
        {
            Id = BinaryPrimitives.ReadUInt128BigEndian(record[0..16]),
            DebitAccountId = BinaryPrimitives.ReadUInt128BigEndian(record[16..32]),
            CreditAccountId = BinaryPrimitives.ReadUInt128BigEndian(record[32..48]),
            Amount = BinaryPrimitives.ReadUInt128BigEndian(record[48..64]),
            PendingId = BinaryPrimitives.ReadUInt128BigEndian(record[64..80]),
            UserData128 = BinaryPrimitives.ReadUInt128BigEndian(record[80..96]),
            UserData64 = BinaryPrimitives.ReadUInt64BigEndian(record[96..104]),
            UserData32 = BinaryPrimitives.ReadUInt32BigEndian(record[104..108]),
            TimeoutSeconds = BinaryPrimitives.ReadUInt32BigEndian(record[108..112]),
            Ledger = BinaryPrimitives.ReadUInt32BigEndian(record[112..116]),
            Code = BinaryPrimitives.ReadUInt16BigEndian(record[116..118]),
            Flags = (TransferFlags)BinaryPrimitives.ReadUInt16BigEndian(record[118..120]),
            Timestamp = BinaryPrimitives.ReadUInt64BigEndian(record[120..128]),
        };
    }
}

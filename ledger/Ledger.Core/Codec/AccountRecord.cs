using System.Buffers.Binary;
using Ledger.Core.Domain;

namespace Ledger.Core.Codec;

/// <summary>
/// An account as 128 big-endian bytes, in TigerBeetle's field order: id 0..16, debits_pending 16..32,
/// debits_posted 32..48, credits_pending 48..64, credits_posted 64..80, user_data_128 80..96,
/// user_data_64 96..104, user_data_32 104..108, reserved 108..112, ledger 112..116, code 116..118,
/// flags 118..120, timestamp 120..128. Stores keep an account as this one value.
/// </summary>
public static class AccountRecord
{
    public const int Size = 128;

    public static void Encode(in Account account, Span<byte> destination)
    {
        if (destination.Length < Size)
        {
            throw new ArgumentException($"A record needs {Size} bytes.", nameof(destination));
        }

        BinaryPrimitives.WriteUInt128BigEndian(destination[0..16], account.Id);
        BinaryPrimitives.WriteUInt128BigEndian(destination[16..32], account.DebitsPending);
        BinaryPrimitives.WriteUInt128BigEndian(destination[32..48], account.DebitsPosted);
        BinaryPrimitives.WriteUInt128BigEndian(destination[48..64], account.CreditsPending);
        BinaryPrimitives.WriteUInt128BigEndian(destination[64..80], account.CreditsPosted);
        BinaryPrimitives.WriteUInt128BigEndian(destination[80..96], account.UserData128);
        BinaryPrimitives.WriteUInt64BigEndian(destination[96..104], account.UserData64);
        BinaryPrimitives.WriteUInt32BigEndian(destination[104..108], account.UserData32);
        BinaryPrimitives.WriteUInt32BigEndian(destination[108..112], 0);
        BinaryPrimitives.WriteUInt32BigEndian(destination[112..116], account.Ledger);
        BinaryPrimitives.WriteUInt16BigEndian(destination[116..118], account.Code);
        BinaryPrimitives.WriteUInt16BigEndian(destination[118..120], (ushort)account.Flags);
        BinaryPrimitives.WriteUInt64BigEndian(destination[120..128], account.Timestamp);
    }

    public static byte[] Encode(in Account account)
    {
        var bytes = new byte[Size];
        Encode(account, bytes);
        return bytes;
    }

    public static Account Decode(ReadOnlySpan<byte> record)
    {
        if (record.Length != Size)
        {
            throw new ArgumentException($"An account record is exactly {Size} bytes, not {record.Length}.", nameof(record));
        }

        return new Account
        {
            Id = BinaryPrimitives.ReadUInt128BigEndian(record[0..16]),
            DebitsPending = BinaryPrimitives.ReadUInt128BigEndian(record[16..32]),
            DebitsPosted = BinaryPrimitives.ReadUInt128BigEndian(record[32..48]),
            CreditsPending = BinaryPrimitives.ReadUInt128BigEndian(record[48..64]),
            CreditsPosted = BinaryPrimitives.ReadUInt128BigEndian(record[64..80]),
            UserData128 = BinaryPrimitives.ReadUInt128BigEndian(record[80..96]),
            UserData64 = BinaryPrimitives.ReadUInt64BigEndian(record[96..104]),
            UserData32 = BinaryPrimitives.ReadUInt32BigEndian(record[104..108]),
            Ledger = BinaryPrimitives.ReadUInt32BigEndian(record[112..116]),
            Code = BinaryPrimitives.ReadUInt16BigEndian(record[116..118]),
            Flags = (AccountFlags)BinaryPrimitives.ReadUInt16BigEndian(record[118..120]),
            Timestamp = BinaryPrimitives.ReadUInt64BigEndian(record[120..128]),
        };
    }
}

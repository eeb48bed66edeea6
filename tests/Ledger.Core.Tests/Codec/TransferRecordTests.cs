using System.Buffers.Binary;
using Ledger.Core.Codec;
using Ledger.Core.Domain;

namespace Ledger.Core.Tests.Codec;

/// <summary>The 128-byte record of PROOFS.md, checked byte for byte against a hand-built example.</summary>
public sealed class TransferRecordTests
{
    /// <summary>Every field distinct and multi-byte, so a field written at the wrong place or in the wrong byte order shows.</summary>
    private static readonly Transfer Example = new()
    {
        Id = Uuid.Parse("01020304-0506-0708-090a-0b0c0d0e0f10"),
        DebitAccountId = Uuid.Parse("11121314-1516-1718-191a-1b1c1d1e1f20"),
        CreditAccountId = Uuid.Parse("21222324-2526-2728-292a-2b2c2d2e2f30"),
        Amount = new UInt128(0x3132333435363738, 0x393a3b3c3d3e3f40),
        PendingId = new UInt128(0x4142434445464748, 0x494a4b4c4d4e4f50),
        UserData128 = new UInt128(0x5152535455565758, 0x595a5b5c5d5e5f60),
        UserData64 = 0x6162636465666768,
        UserData32 = 0x71727374,
        TimeoutSeconds = 0x75767778,
        Ledger = 0x797a7b7c,
        Code = 0x7d7e,
        Flags = TransferFlags.Linked | TransferFlags.PostPending | TransferFlags.BalancingCredit | TransferFlags.ClosingCredit,
        Timestamp = 0x8182838485868788,
    };

    /// <summary>The expected record, written out by hand from the PROOFS.md table.</summary>
    private static readonly string ExampleHex =
        "0102030405060708090a0b0c0d0e0f10" + // 0   id
        "1112131415161718191a1b1c1d1e1f20" + // 16  debit_account_id
        "2122232425262728292a2b2c2d2e2f30" + // 32  credit_account_id
        "3132333435363738393a3b3c3d3e3f40" + // 48  amount
        "4142434445464748494a4b4c4d4e4f50" + // 64  pending_id
        "5152535455565758595a5b5c5d5e5f60" + // 80  user_data_128
        "6162636465666768" + //                 96  user_data_64
        "71727374" + //                         104 user_data_32
        "75767778" + //                         108 timeout
        "797a7b7c" + //                         112 ledger
        "7d7e" + //                             116 code
        "00a5" + //                             118 flags: bits 0, 2, 5, 7
        "8182838485868788"; //                  120 timestamp

    [Fact]
    public void Encodes_the_hand_built_example_byte_for_byte()
    {
        var record = TransferRecord.Encode(Example);
        Assert.Equal(TransferRecord.Size, record.Length);
        Assert.Equal(128, TransferRecord.Size);
        Assert.Equal(ExampleHex, Convert.ToHexStringLower(record));
    }

    [Theory]
    [InlineData(0, 16)]
    [InlineData(16, 16)]
    [InlineData(32, 16)]
    [InlineData(48, 16)]
    [InlineData(64, 16)]
    [InlineData(80, 16)]
    [InlineData(96, 8)]
    [InlineData(104, 4)]
    [InlineData(108, 4)]
    [InlineData(112, 4)]
    [InlineData(116, 2)]
    [InlineData(118, 2)]
    [InlineData(120, 8)]
    public void Each_field_sits_at_its_offset_big_endian(int offset, int size)
    {
        var record = TransferRecord.Encode(Example);
        var field = record.AsSpan(offset, size);
        UInt128 expected = (offset, size) switch
        {
            (0, _) => Example.Id,
            (16, _) => Example.DebitAccountId,
            (32, _) => Example.CreditAccountId,
            (48, _) => Example.Amount,
            (64, _) => Example.PendingId,
            (80, _) => Example.UserData128,
            (96, _) => Example.UserData64,
            (104, _) => Example.UserData32,
            (108, _) => Example.TimeoutSeconds,
            (112, _) => Example.Ledger,
            (116, _) => Example.Code,
            (118, _) => (ushort)Example.Flags,
            _ => Example.Timestamp,
        };
        UInt128 actual = size switch
        {
            16 => BinaryPrimitives.ReadUInt128BigEndian(field),
            8 => BinaryPrimitives.ReadUInt64BigEndian(field),
            4 => BinaryPrimitives.ReadUInt32BigEndian(field),
            _ => BinaryPrimitives.ReadUInt16BigEndian(field),
        };
        Assert.Equal(expected, actual);
    }

    [Fact]
    public void Flag_bits_are_those_of_proofs_md()
    {
        Assert.Equal(1 << 0, (int)TransferFlags.Linked);
        Assert.Equal(1 << 1, (int)TransferFlags.Pending);
        Assert.Equal(1 << 2, (int)TransferFlags.PostPending);
        Assert.Equal(1 << 3, (int)TransferFlags.VoidPending);
        Assert.Equal(1 << 4, (int)TransferFlags.BalancingDebit);
        Assert.Equal(1 << 5, (int)TransferFlags.BalancingCredit);
        var record = TransferRecord.Encode(new Transfer { Id = 1, Flags = TransferFlags.Pending });
        Assert.Equal(0x00, record[118]);
        Assert.Equal(0x02, record[119]);
    }

    [Fact]
    public void Decodes_the_hand_built_example()
    {
        Assert.Equal(Example, TransferRecord.Decode(Convert.FromHexString(ExampleHex)));
    }

    [Fact]
    public void Round_trips_extremes()
    {
        var zero = new Transfer { Id = 0 };
        var max = new Transfer
        {
            Id = UInt128.MaxValue,
            DebitAccountId = UInt128.MaxValue,
            CreditAccountId = UInt128.MaxValue,
            Amount = UInt128.MaxValue,
            PendingId = UInt128.MaxValue,
            UserData128 = UInt128.MaxValue,
            UserData64 = ulong.MaxValue,
            UserData32 = uint.MaxValue,
            TimeoutSeconds = uint.MaxValue,
            Ledger = uint.MaxValue,
            Code = ushort.MaxValue,
            Flags = (TransferFlags)ushort.MaxValue,
            Timestamp = ulong.MaxValue,
        };
        Assert.Equal(zero, TransferRecord.Decode(TransferRecord.Encode(zero)));
        Assert.All(TransferRecord.Encode(zero), b => Assert.Equal(0, b));
        Assert.Equal(max, TransferRecord.Decode(TransferRecord.Encode(max)));
        Assert.All(TransferRecord.Encode(max), b => Assert.Equal(0xff, b));
    }

    [Fact]
    public void Round_trips_random_transfers()
    {
        var random = new Random(20250101);
        for (var i = 0; i < 1000; i++)
        {
            var bytes = new byte[TransferRecord.Size];
            random.NextBytes(bytes);
            var transfer = TransferRecord.Decode(bytes);
            Assert.Equal(bytes, TransferRecord.Encode(transfer));
            Assert.Equal(transfer, TransferRecord.Decode(TransferRecord.Encode(transfer)));
        }
    }

    [Fact]
    public void Encodes_into_a_larger_span_and_leaves_the_rest()
    {
        var buffer = Enumerable.Repeat((byte)0xee, 130).ToArray();
        TransferRecord.Encode(Example, buffer);
        Assert.Equal(ExampleHex, Convert.ToHexStringLower(buffer, 0, 128));
        Assert.Equal([0xee, 0xee], buffer[128..]);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(127)]
    [InlineData(129)]
    public void Decode_rejects_a_record_that_is_not_128_bytes(int length) =>
        Assert.Throws<ArgumentException>(() => TransferRecord.Decode(new byte[length]));

    [Fact]
    public void Encode_rejects_a_short_destination() =>
        Assert.Throws<ArgumentException>(() => TransferRecord.Encode(Example, new byte[127]));
}

using Ledger.Core.Codec;
using Ledger.Core.Domain;

namespace Ledger.Core.Tests.Codec;

/// <summary>The 128-byte account record stores keep (TigerBeetle's field order, big-endian).</summary>
public sealed class AccountRecordTests
{
    private static readonly Account Example = new()
    {
        Id = new UInt128(0x0102030405060708, 0x090a0b0c0d0e0f10),
        DebitsPending = new UInt128(0x1112131415161718, 0x191a1b1c1d1e1f20),
        DebitsPosted = new UInt128(0x2122232425262728, 0x292a2b2c2d2e2f30),
        CreditsPending = new UInt128(0x3132333435363738, 0x393a3b3c3d3e3f40),
        CreditsPosted = new UInt128(0x4142434445464748, 0x494a4b4c4d4e4f50),
        UserData128 = new UInt128(0x5152535455565758, 0x595a5b5c5d5e5f60),
        UserData64 = 0x6162636465666768,
        UserData32 = 0x71727374,
        Ledger = 0x797a7b7c,
        Code = 0x7d7e,
        Flags = AccountFlags.DebitsMustNotExceedCredits | AccountFlags.History | AccountFlags.Closed,
        Timestamp = 0x8182838485868788,
    };

    [Fact]
    public void Encodes_every_field_at_its_offset()
    {
        Assert.Equal(
            "0102030405060708090a0b0c0d0e0f10" + "1112131415161718191a1b1c1d1e1f20" + "2122232425262728292a2b2c2d2e2f30" +
            "3132333435363738393a3b3c3d3e3f40" + "4142434445464748494a4b4c4d4e4f50" + "5152535455565758595a5b5c5d5e5f60" +
            "6162636465666768" + "71727374" + "00000000" + "797a7b7c" + "7d7e" + "002a" + "8182838485868788",
            Convert.ToHexStringLower(AccountRecord.Encode(Example)));
    }

    [Fact]
    public void Round_trips()
    {
        Assert.Equal(Example, AccountRecord.Decode(AccountRecord.Encode(Example)));
        var max = new Account
        {
            Id = UInt128.MaxValue, DebitsPending = UInt128.MaxValue, DebitsPosted = UInt128.MaxValue, CreditsPending = UInt128.MaxValue,
            CreditsPosted = UInt128.MaxValue, UserData128 = UInt128.MaxValue, UserData64 = ulong.MaxValue, UserData32 = uint.MaxValue,
            Ledger = uint.MaxValue, Code = ushort.MaxValue, Flags = (AccountFlags)ushort.MaxValue, Timestamp = ulong.MaxValue,
        };
        Assert.Equal(max, AccountRecord.Decode(AccountRecord.Encode(max)));
    }

    [Theory]
    [InlineData(127)]
    [InlineData(129)]
    public void Decode_rejects_a_record_that_is_not_128_bytes(int length) =>
        Assert.Throws<ArgumentException>(() => AccountRecord.Decode(new byte[length]));
}

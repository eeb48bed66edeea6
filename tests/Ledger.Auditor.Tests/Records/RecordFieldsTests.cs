using System.Globalization;
using Ledger.Auditor.Records;
using Ledger.Auditor.Tests.Infrastructure;

namespace Ledger.Auditor.Tests.Records;

public sealed class RecordFieldsTests
{
    [Fact]
    public void Each_field_is_read_from_its_offset_big_endian()
    {
        var transfer = new TestTransfer { PendingId = Guid.Parse("00000000-0000-0000-0000-000000000102") };

        var fields = RecordFields.Parse(transfer.Record());

        Assert.Equal(transfer.Id.ToString(), Uuids.ToText(fields.Id));
        Assert.Equal(transfer.DebitAccountId.ToString(), Uuids.ToText(fields.DebitAccountId));
        Assert.Equal(transfer.CreditAccountId.ToString(), Uuids.ToText(fields.CreditAccountId));
        Assert.Equal(UInt128.MaxValue, fields.Amount);
        Assert.Equal((UInt128)0x0102, fields.PendingId);
        Assert.Equal(transfer.Reference!.Value.ToString(), Uuids.ToText(fields.UserData128));
        Assert.Equal(ulong.MaxValue, fields.UserData64);
        Assert.Equal(4_000_000_001U, fields.UserData32);
        Assert.Equal(3600U, fields.TimeoutSeconds);
        Assert.Equal(840U, fields.Ledger);
        Assert.Equal((ushort)65535, fields.Code);
        Assert.Equal((ushort)0xC3, fields.Flags);
        Assert.Equal(1_760_000_000_123_456_789UL, fields.TimestampNs);
    }

    [Fact]
    public void Known_bytes_give_known_numbers()
    {
        var record = new byte[128];
        record[15] = 0x01;
        record[63] = 0x2A;
        record[62] = 0x01;
        record[111] = 0x05;
        record[113] = 0x01;
        record[119] = 0x80;
        record[127] = 0x09;

        var fields = RecordFields.Parse(record);

        Assert.Equal("00000000-0000-0000-0000-000000000001", Uuids.ToText(fields.Id));
        Assert.Equal(UInt128.Parse("298", CultureInfo.InvariantCulture), fields.Amount);
        Assert.Equal(5U, fields.TimeoutSeconds);
        Assert.Equal(65536U, fields.Ledger);
        Assert.Equal(["closing_credit"], TransferFlagNames.Names(fields.Flags));
        Assert.Equal(9UL, fields.TimestampNs);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(127)]
    [InlineData(129)]
    public void A_record_of_another_length_is_refused(int length) =>
        Assert.Throws<FormatException>(() => RecordFields.Parse(new byte[length]));

    [Fact]
    public void Flag_names_match_bits_0_to_7()
    {
        string[] names = ["linked", "pending", "post_pending", "void_pending", "balancing_debit", "balancing_credit", "closing_debit", "closing_credit"];
        for (var bit = 0; bit < names.Length; bit++)
        {
            Assert.Equal((ushort)(1 << bit), TransferFlagNames.Bit(names[bit]));
            Assert.Equal([names[bit]], TransferFlagNames.Names((ushort)(1 << bit)));
        }

        Assert.Null(TransferFlagNames.Bit("closed"));
    }

    [Fact]
    public void Uuid_text_round_trips_in_network_order()
    {
        Assert.True(Uuids.TryParse("0190A3C4-1B2C-7D3E-8F40-5A6B7C8D9E0F", out var value));
        Assert.Equal(UInt128.Parse("0190a3c41b2c7d3e8f405a6b7c8d9e0f", NumberStyles.HexNumber, CultureInfo.InvariantCulture), value);
        Assert.Equal("0190a3c4-1b2c-7d3e-8f40-5a6b7c8d9e0f", Uuids.ToText(value));
        Assert.False(Uuids.TryParse("{0190a3c4-1b2c-7d3e-8f40-5a6b7c8d9e0f}", out _));
        Assert.False(Uuids.TryParse("not-a-uuid", out _));
    }
}

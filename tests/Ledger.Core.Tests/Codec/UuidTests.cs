using Ledger.Core.Codec;

namespace Ledger.Core.Tests.Codec;

public sealed class UuidTests
{
    [Fact]
    public void Parses_into_network_byte_order()
    {
        var value = Uuid.Parse("00112233-4455-6677-8899-aabbccddeeff");
        Assert.Equal(new UInt128(0x0011223344556677, 0x8899aabbccddeeff), value);
    }

    [Fact]
    public void Agrees_with_the_record_bytes_and_with_guid_big_endian_bytes()
    {
        const string text = "f81d4fae-7dec-11d0-a765-00a0c91e6bf6"; // RFC 9562's example
        var value = Uuid.Parse(text);
        var record = TransferRecord.Encode(new Domain.Transfer { Id = value });
        Assert.Equal("f81d4fae7dec11d0a76500a0c91e6bf6", Convert.ToHexStringLower(record, 0, 16));
        Assert.Equal(value, Uuid.FromGuid(Guid.Parse(text)));
        Assert.Equal(Guid.Parse(text).ToByteArray(bigEndian: true), record[..16]);
    }

    [Theory]
    [InlineData("00000000-0000-0000-0000-000000000000")]
    [InlineData("ffffffff-ffff-ffff-ffff-ffffffffffff")]
    [InlineData("f81d4fae-7dec-11d0-a765-00a0c91e6bf6")]
    [InlineData("01890a5d-ac96-774b-bcce-b302099a8057")]
    public void Formats_what_it_parses(string text) => Assert.Equal(text, Uuid.Format(Uuid.Parse(text)));

    [Fact]
    public void Parses_upper_case_and_formats_lower_case()
    {
        Assert.Equal(Uuid.Parse("f81d4fae-7dec-11d0-a765-00a0c91e6bf6"), Uuid.Parse("F81D4FAE-7DEC-11D0-A765-00A0C91E6BF6"));
        Assert.Equal("f81d4fae-7dec-11d0-a765-00a0c91e6bf6", Uuid.Format(Uuid.Parse("F81D4FAE-7DEC-11D0-A765-00A0C91E6BF6")));
    }

    [Fact]
    public void Formats_the_extremes()
    {
        Assert.Equal("00000000-0000-0000-0000-000000000000", Uuid.Format(UInt128.Zero));
        Assert.Equal("00000000-0000-0000-0000-000000000001", Uuid.Format(UInt128.One));
        Assert.Equal("ffffffff-ffff-ffff-ffff-ffffffffffff", Uuid.Format(UInt128.MaxValue));
        Assert.Equal("80000000-0000-0000-0000-000000000000", Uuid.Format(UInt128.One << 127));
    }

    [Fact]
    public void Round_trips_random_values()
    {
        var random = new Random(9562);
        Span<byte> bytes = stackalloc byte[16];
        for (var i = 0; i < 1000; i++)
        {
            random.NextBytes(bytes);
            var value = System.Buffers.Binary.BinaryPrimitives.ReadUInt128BigEndian(bytes);
            var text = Uuid.Format(value);
            Assert.Equal(36, text.Length);
            Assert.Equal(value, Uuid.Parse(text));
            Assert.Equal(Guid.Parse(text).ToString(), text);
        }
    }

    [Theory]
    [InlineData("")]
    [InlineData("f81d4fae7dec11d0a76500a0c91e6bf6")]
    [InlineData("{f81d4fae-7dec-11d0-a765-00a0c91e6bf6}")]
    [InlineData(" f81d4fae-7dec-11d0-a765-00a0c91e6bf6")]
    [InlineData("f81d4fae-7dec-11d0-a765-00a0c91e6bf6 ")]
    [InlineData("f81d4fae-7dec-11d0-a765-00a0c91e6bf")]
    [InlineData("f81d4fae-7dec-11d0-a765-00a0c91e6bf66")]
    [InlineData("f81d4fae_7dec-11d0-a765-00a0c91e6bf6")]
    [InlineData("f81d4fae-7dec_11d0-a765-00a0c91e6bf6")]
    [InlineData("f81d4fae-7dec-11d0_a765-00a0c91e6bf6")]
    [InlineData("f81d4fae-7dec-11d0-a765_00a0c91e6bf6")]
    [InlineData("f81d4fa-e7dec-11d0-a765-00a0c91e6bf6")]
    [InlineData("f81d4fae-7dec-11d0-a76500a0c91e6bf6-")]
    [InlineData("g81d4fae-7dec-11d0-a765-00a0c91e6bf6")]
    [InlineData("f81d4fae-7dec-11d0-a765-00a0c91e6bfz")]
    [InlineData("f81d4fae-7dec-11d0-a765-00a0c91e6b-6")]
    [InlineData("+81d4fae-7dec-11d0-a765-00a0c91e6bf6")]
    [InlineData("f81d4fae-7dec-11d0-a765-00a0c91e6bf\u0660")]
    [InlineData("ｆ81d4fae-7dec-11d0-a765-00a0c91e6bf6")]
    public void Rejects_malformed_text(string text)
    {
        Assert.False(Uuid.TryParse(text, out var value));
        Assert.Equal(UInt128.Zero, value);
        Assert.Throws<FormatException>(() => Uuid.Parse(text));
    }

    [Fact]
    public void Rejects_null() => Assert.False(Uuid.TryParse(null, out _));

    [Fact]
    public void New_v7_ids_carry_version_7_and_the_rfc_variant_and_are_time_ordered()
    {
        var first = Uuid.NewV7();
        Thread.Sleep(2);
        var second = Uuid.NewV7();
        var text = Uuid.Format(first);
        Assert.Equal('7', text[14]);
        Assert.Contains(text[19], "89ab");
        Assert.True(second > first);
    }
}

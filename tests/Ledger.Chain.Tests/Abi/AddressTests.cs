using Ledger.Chain.Abi;

namespace Ledger.Chain.Tests.Abi;

public class AddressTests
{
    // The test cases of EIP-55 ("Mixed-case checksum address encoding"): all caps, all lower and normal checksums.
    [Theory]
    [InlineData("0x52908400098527886E0F7030069857D2E4169EE7")]
    [InlineData("0x8617E340B3D01FA5F11F306F4090FD50E238070D")]
    [InlineData("0xde709f2102306220921060314715629080e2fb77")]
    [InlineData("0x27b1fdb04752bbc536007a920d24acb045561c26")]
    [InlineData("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed")]
    [InlineData("0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359")]
    [InlineData("0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB")]
    [InlineData("0xD1220A0cf47c7B9Be7A2E6BA89F429762e7b9aDb")]
    public void Eip55_examples_format_and_parse(string checksummed)
    {
        var fromLower = Address.Parse("0x" + checksummed[2..].ToLowerInvariant());
        Assert.Equal(checksummed, fromLower.ToString());
        Assert.Equal(fromLower, Address.Parse(checksummed));
        Assert.Equal(fromLower, Address.Parse("0x" + checksummed[2..].ToUpperInvariant()));
    }

    [Theory]
    // One letter's case flipped in an EIP-55 example.
    [InlineData("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD")]
    [InlineData("0xfb6916095ca1df60bB79Ce92cE3Ea74c37c5d359")]
    public void Refuses_a_wrong_checksum(string text)
    {
        Assert.Throws<FormatException>(() => Address.Parse(text));
        Assert.False(Address.TryParse(text, out _));
    }

    [Theory]
    [InlineData("")]
    [InlineData("5aaeb6053f3e94c9b9a09f33669435e7ef1beaed")]
    [InlineData("0x5aaeb6053f3e94c9b9a09f33669435e7ef1bea")]
    [InlineData("0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed00")]
    [InlineData("0x5aaeb6053f3e94c9b9a09f33669435e7ef1beagg")]
    [InlineData("0X5aaeb6053f3e94c9b9a09f33669435e7ef1beaed")]
    public void Refuses_malformed_text(string text)
    {
        Assert.Throws<FormatException>(() => Address.Parse(text));
    }

    [Fact]
    public void Zero_is_the_default_and_bytes_round_trip()
    {
        Assert.Equal(default, Address.Zero);
        Assert.Equal(new byte[20], Address.Zero.ToArray());
        Assert.Equal("0x0000000000000000000000000000000000000000", Address.Zero.ToString());

        var bytes = Enumerable.Range(1, 20).Select(i => (byte)(i * 12)).ToArray();
        var address = Address.FromBytes(bytes);
        Assert.Equal(bytes, address.ToArray());
        Assert.Equal("0x" + Convert.ToHexStringLower(bytes), address.ToLowerHex());
        Assert.Throws<ArgumentException>(() => Address.FromBytes(new byte[19]));
    }

    [Fact]
    public void Equality_is_by_value_in_every_byte()
    {
        var a = Address.Parse("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed");
        var b = Address.Parse("0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed");
        Assert.True(a == b);
        Assert.Equal(a.GetHashCode(), b.GetHashCode());
        for (var i = 0; i < 20; i++)
        {
            var bytes = a.ToArray();
            bytes[i] ^= 1;
            Assert.True(a != Address.FromBytes(bytes));
        }
    }
}

using Ledger.Chain.Crypto;
using Ledger.Chain.Encoding;

namespace Ledger.Chain.Tests.Crypto;

public class Keccak256Tests
{
    // Published Keccak-256 (original padding, as Ethereum uses) digests. The empty-string and "abc" digests are the ones every
    // Ethereum implementation tests against; the 112-character message is the FIPS/NIST long test message, whose Keccak-256
    // digest is the one Zig's std.crypto tests list; "The quick brown fox..." is the classic pangram vector.
    [Theory]
    [InlineData("", "c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470")]
    [InlineData("abc", "4e03657aea45a94fc7d47ba826c8d667c0d1e6e33a64a036ec44f58fa12d6c45")]
    [InlineData("abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
        "f519747ed599024f3882238e5ab43960132572b7345fbeb9a90769dafd21ad67")]
    [InlineData("The quick brown fox jumps over the lazy dog", "4d741b6f1eb29cb2a9b9911c82f56fa8d73b04959d3d9d222895df6c0b28aa15")]
    public void Hashes_the_published_vectors(string input, string expected)
    {
        Assert.Equal(expected, Hex.ToHex(Keccak256.Hash(input), prefix: false));
    }

    [Fact]
    public void Is_not_nist_sha3()
    {
        // SHA3-256("") is a7ffc6f8...; Keccak-256 must differ (padding byte 0x01, not 0x06).
        Assert.NotEqual("a7ffc6f8bf1ed76651c14756a061d662f580ff4de43b49fa82d80a4b80f8434a", Hex.ToHex(Keccak256.Hash(""), prefix: false));
    }

    [Fact]
    public void Span_and_string_overloads_agree_across_the_rate_boundary()
    {
        // 136 bytes is Keccak-256's rate: inputs of 135, 136 and 137 bytes exercise padding in one block, a full block, and two.
        foreach (var length in new[] { 135, 136, 137, 272 })
        {
            var text = new string('a', length);
            var digest = Keccak256.Hash(text);
            Assert.Equal(digest, Keccak256.Hash(System.Text.Encoding.UTF8.GetBytes(text)));
            Assert.NotEqual(digest, Keccak256.Hash(text[..^1]));
        }
    }

    [Fact]
    public void Function_selector_of_erc20_transfer()
    {
        // transfer(address,uint256) → 0xa9059cbb, the ERC-20 selector every explorer shows.
        Assert.Equal("a9059cbb", Hex.ToHex(Keccak256.Hash("transfer(address,uint256)")[..4], prefix: false));
    }
}

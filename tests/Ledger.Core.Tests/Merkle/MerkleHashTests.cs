using System.Text;
using Ledger.Core.Merkle;

namespace Ledger.Core.Tests.Merkle;

/// <summary>Keccak-256 as Ethereum uses it (published vectors), and the RFC 9162 prefixes of PROOFS.md.</summary>
public sealed class MerkleHashTests
{
    [Theory]
    [InlineData("", "c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470")]
    [InlineData("abc", "4e03657aea45a94fc7d47ba826c8d667c0d1e6e33a64a036ec44f58fa12d6c45")]
    [InlineData("The quick brown fox jumps over the lazy dog", "4d741b6f1eb29cb2a9b9911c82f56fa8d73b04959d3d9d222895df6c0b28aa15")]
    public void Keccak256_matches_the_published_vectors(string input, string expected) =>
        Assert.Equal(expected, Convert.ToHexStringLower(MerkleHash.Keccak256(Encoding.ASCII.GetBytes(input))));

    [Fact]
    public void Keccak256_is_not_fips_sha3() =>
        Assert.NotEqual("a7ffc6f8bf1ed76651c14756a061d662f580ff4de43b49fa82d80a4b80f8434a", Convert.ToHexStringLower(MerkleHash.Keccak256([])));

    [Fact]
    public void Empty_root_is_the_hash_of_nothing() =>
        Assert.Equal("c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470", Convert.ToHexStringLower(MerkleHash.EmptyRoot));

    [Fact]
    public void Leaf_and_node_hashes_carry_their_prefixes()
    {
        var record = new byte[128];
        Random.Shared.NextBytes(record);
        Assert.Equal(MerkleHash.Keccak256([0x00, .. record]), MerkleHash.Leaf(record));

        var left = MerkleHash.Keccak256([1]);
        var right = MerkleHash.Keccak256([2]);
        Assert.Equal(MerkleHash.Keccak256([0x01, .. left, .. right]), MerkleHash.Node(left, right));
        Assert.NotEqual(MerkleHash.Node(left, right), MerkleHash.Node(right, left));

        // A multi-block input (more than the 136-byte rate) hashes the same through every entry point.
        var long_ = new byte[300];
        Random.Shared.NextBytes(long_);
        Assert.Equal(MerkleHash.Keccak256([0x00, .. long_]), MerkleHash.Leaf(long_));
    }

    [Fact]
    public void Node_refuses_children_that_are_not_hashes() =>
        Assert.Throws<ArgumentException>(() => MerkleHash.Node(new byte[31], new byte[32]));
}

using System.Numerics;
using Ledger.Chain.Abi;
using Ledger.Chain.Crypto;
using Ledger.Chain.Encoding;

namespace Ledger.Chain.Tests.Crypto;

public class EthKeyTests
{
    // secp256k1 order n and n/2: a signature Ethereum accepts has s <= n/2 (EIP-2).
    private static readonly BigInteger N = BigInteger.Parse("0FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141", System.Globalization.NumberStyles.HexNumber);

    // Anvil's (and Hardhat's) first two well-known development accounts, from the "test test ... junk" mnemonic.
    [Theory]
    [InlineData("0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80", "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266")]
    [InlineData("59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d", "0x70997970C51812dc3A010C7d01b50e0d17dc79C8")]
    public void Address_of_well_known_keys(string privateKey, string address)
    {
        Assert.Equal(address, EthKey.FromHex(privateKey).Address.ToString());
    }

    [Fact]
    public void Public_key_hashes_to_the_address()
    {
        var key = EthKey.FromHex("0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80");
        Assert.Equal(64, key.PublicKey.Length);
        Assert.Equal(key.Address.ToArray(), Keccak256.Hash(key.PublicKey)[12..]);
    }

    [Fact]
    public void Signing_is_deterministic()
    {
        var key = EthKey.FromHex("0x4646464646464646464646464646464646464646464646464646464646464646");
        var hash = Keccak256.Hash("settlement batch 1");
        Assert.Equal(key.Sign(hash), key.Sign(hash));
        Assert.NotEqual(key.Sign(hash), key.Sign(Keccak256.Hash("settlement batch 2")));
    }

    [Fact]
    public void Random_hashes_sign_with_low_s_and_recover_to_the_signer()
    {
        var random = new Random(155);
        var key = EthKey.Generate();
        var other = EthKey.Generate();
        var recoveryIds = new HashSet<int>();
        for (var i = 0; i < 64; i++)
        {
            var hash = new byte[32];
            random.NextBytes(hash);
            var signature = key.Sign(hash);
            var s = new BigInteger(signature.S, isUnsigned: true, isBigEndian: true);
            Assert.True(s <= N / 2, "s must be in the lower half of the order");
            Assert.InRange(signature.RecoveryId, 0, 1);
            recoveryIds.Add(signature.RecoveryId);
            Assert.Equal(key.Address, EthKey.Recover(hash, signature));
            Assert.NotEqual(other.Address, EthKey.Recover(hash, signature));
            // The other parity names the other point with x = r, which recovers some other key.
            var flipped = new Signature(signature.R, signature.S, 1 - signature.RecoveryId);
            Assert.NotEqual(key.Address, EthKey.Recover(hash, flipped));
        }
        // Over 64 signatures both parities occur (probability of not: 2^-63).
        Assert.Equal(2, recoveryIds.Count);
    }

    [Fact]
    public void Generated_keys_differ_and_round_trip_through_export()
    {
        var a = EthKey.Generate();
        var b = EthKey.Generate();
        Assert.NotEqual(a.Address, b.Address);
        Assert.Equal(a.Address, EthKey.FromHex(Hex.ToHex(a.ExportPrivateKey())).Address);
    }

    [Theory]
    [InlineData("")]
    [InlineData("0x1234")]
    [InlineData("0x0000000000000000000000000000000000000000000000000000000000000000")]
    [InlineData("0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141")]
    [InlineData("0xzz0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80")]
    public void Refuses_invalid_private_keys(string privateKey)
    {
        Assert.ThrowsAny<Exception>(() => EthKey.FromHex(privateKey));
    }

    [Fact]
    public void Refuses_hashes_that_are_not_32_bytes()
    {
        var key = EthKey.Generate();
        Assert.Throws<ArgumentException>(() => key.Sign(new byte[31]));
        Assert.Throws<ArgumentException>(() => EthKey.Recover(new byte[33], key.Sign(new byte[32])));
    }

    [Fact]
    public void Refuses_signatures_with_zero_or_out_of_range_scalars()
    {
        var hash = Keccak256.Hash("x");
        var zero = new byte[32];
        var one = new byte[32];
        one[31] = 1;
        Assert.Throws<ArgumentException>(() => EthKey.Recover(hash, new Signature(zero, one, 0)));
        Assert.Throws<ArgumentException>(() => EthKey.Recover(hash, new Signature(one, N.ToByteArray(isUnsigned: true, isBigEndian: true), 0)));
    }
}

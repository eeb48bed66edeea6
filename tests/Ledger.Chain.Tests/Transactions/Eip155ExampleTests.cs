using System.Numerics;
using Ledger.Chain.Abi;
using Ledger.Chain.Crypto;
using Ledger.Chain.Encoding;
using Ledger.Chain.Transactions;

namespace Ledger.Chain.Tests.Transactions;

// The worked example of EIP-155 ("Simple replay attack protection", section Example): every intermediate value it prints.
public class Eip155ExampleTests
{
    private static readonly LegacyTransaction Example = new(
        Nonce: 9,
        GasPrice: 20_000_000_000,
        GasLimit: 21000,
        To: Address.Parse("0x3535353535353535353535353535353535353535"),
        Value: BigInteger.Pow(10, 18),
        Data: [],
        ChainId: 1);

    private static readonly EthKey Key = EthKey.FromHex("0x4646464646464646464646464646464646464646464646464646464646464646");

    [Fact]
    public void Signing_data()
    {
        Assert.Equal("0xec098504a817c800825208943535353535353535353535353535353535353535880de0b6b3a764000080018080", Hex.ToHex(Example.SigningData()));
    }

    [Fact]
    public void Signing_hash()
    {
        Assert.Equal("0xdaf5a779ae972f972197303d7b574746c7ef83eadac0f2791ad23db92e4c8e53", Hex.ToHex(Example.SigningHash()));
    }

    [Fact]
    public void V_r_s()
    {
        var signature = Key.Sign(Example.SigningHash());
        Assert.Equal(new BigInteger(37), Example.V(signature.RecoveryId));
        Assert.Equal(BigInteger.Parse("18515461264373351373200002665853028612451056578545711640558177340181847433846"), new BigInteger(signature.R, isUnsigned: true, isBigEndian: true));
        Assert.Equal(BigInteger.Parse("46948507304638947509940763649030358759909902576025900602547168820602576006531"), new BigInteger(signature.S, isUnsigned: true, isBigEndian: true));
        Assert.Equal(Key.Address, EthKey.Recover(Example.SigningHash(), signature));
    }

    [Fact]
    public void Signed_transaction()
    {
        var signed = Example.Sign(Key);
        Assert.Equal(
            "0xf86c098504a817c800825208943535353535353535353535353535353535353535880de0b6b3a76400008025a028ef61340bd939bc2195fe537567866003e1a15d3c71ff63e1590620aa636276a067cbe9d8997f761aecb703304b3800ccf555c9f3dc64214b297fb1966a3b6d83",
            signed.RawHex);
        Assert.Equal(Keccak256.Hash(signed.Raw), signed.Hash);
    }
}

using Ledger.Chain.Abi;
using Ledger.Chain.Encoding;
using Ledger.Chain.Transactions;

namespace Ledger.Chain.Tests.Transactions;

public class ContractAddressTests
{
    // The CREATE addresses of sender 0x6ac7...dbf0 for nonces 0 to 3, the example of Ethereum StackExchange question 760
    // ("How is the address of an Ethereum contract computed?") that go-ethereum and reth also test; and anvil's first
    // deployment from its first dev account, 0x5FbDB2315678afecb367f032d93F642f64180aa3.
    [Theory]
    [InlineData("0x6ac7ea33f8831ea9dcc53393aaa88b25a785dbf0", 0UL, "0xcd234a471b72ba2f1ccf0a70fcaba648a5eecd8d")]
    [InlineData("0x6ac7ea33f8831ea9dcc53393aaa88b25a785dbf0", 1UL, "0x343c43a37d37dff08ae8c4a11544c718abb4fcf8")]
    [InlineData("0x6ac7ea33f8831ea9dcc53393aaa88b25a785dbf0", 2UL, "0xf778b86fa74e846c4f0a1fbd1335fe81c00a0c91")]
    [InlineData("0x6ac7ea33f8831ea9dcc53393aaa88b25a785dbf0", 3UL, "0xfffd933a0bc612844eaf0c6fe3e5b8e9b6c1d19c")]
    [InlineData("0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266", 0UL, "0x5FbDB2315678afecb367f032d93F642f64180aa3")]
    public void Create(string sender, ulong nonce, string expected)
    {
        Assert.Equal(Address.Parse(expected), ContractAddress.From(Address.Parse(sender), nonce));
    }

    // The examples of EIP-1014 ("Skinny CREATE2").
    [Theory]
    [InlineData("0x0000000000000000000000000000000000000000", "0x0000000000000000000000000000000000000000000000000000000000000000", "0x00", "0x4D1A2e2bB4F88F0250f26Ffff098B0b30B26BF38")]
    [InlineData("0xdeadbeef00000000000000000000000000000000", "0x0000000000000000000000000000000000000000000000000000000000000000", "0x00", "0xB928f69Bb1D91Cd65274e3c79d8986362984fDA3")]
    [InlineData("0xdeadbeef00000000000000000000000000000000", "0x000000000000000000000000feed000000000000000000000000000000000000", "0x00", "0xD04116cDd17beBE565EB2422F2497E06cC1C9833")]
    [InlineData("0x0000000000000000000000000000000000000000", "0x0000000000000000000000000000000000000000000000000000000000000000", "0xdeadbeef", "0x70f2b2914A2a4b783FaEFb75f459A580616Fcb5e")]
    [InlineData("0x00000000000000000000000000000000deadbeef", "0x00000000000000000000000000000000000000000000000000000000cafebabe", "0xdeadbeef", "0x60f3f640a8508fC6a86d45DF051962668E1e8AC7")]
    [InlineData("0x00000000000000000000000000000000deadbeef", "0x00000000000000000000000000000000000000000000000000000000cafebabe", "0xdeadbeefdeadbeefdeadbeefdeadbeefdeadbeefdeadbeefdeadbeefdeadbeefdeadbeefdeadbeefdeadbeef", "0x1d8bfDC5D46DC4f61D6b6115972536eBE6A8854C")]
    [InlineData("0x0000000000000000000000000000000000000000", "0x0000000000000000000000000000000000000000000000000000000000000000", "0x", "0xE33C0C7F7df4809055C3ebA6c09CFe4BaF1BD9e0")]
    public void Create2(string deployer, string salt, string initCode, string expected)
    {
        var address = ContractAddress.FromCreate2(Address.Parse(deployer), Hex.FromHex(salt), Hex.FromHex(initCode));
        Assert.Equal(expected, address.ToString());
    }

    [Fact]
    public void Create2_refuses_a_salt_that_is_not_32_bytes()
    {
        Assert.Throws<ArgumentException>(() => ContractAddress.FromCreate2(Address.Zero, new byte[31], []));
    }
}

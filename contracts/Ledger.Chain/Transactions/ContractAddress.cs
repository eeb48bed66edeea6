using Ledger.Chain.Abi;
using Ledger.Chain.Crypto;
using Ledger.Chain.Encoding;

namespace Ledger.Chain.Transactions;

/// <summary>Where a deployed contract lands.</summary>
public static class ContractAddress
{
    /// <summary>CREATE: the last 20 bytes of keccak256(rlp([sender, nonce])).</summary>
    public static Address From(Address sender, ulong nonce) =>
        Address.FromBytes(Keccak256.Hash(Rlp.EncodeList(Rlp.EncodeBytes(sender.ToArray()), Rlp.EncodeUInt(nonce)))[12..]);

    /// <summary>CREATE2 (EIP-1014): the last 20 bytes of keccak256(0xff || deployer || salt || keccak256(initCode)).</summary>
    public static Address FromCreate2(Address deployer, ReadOnlySpan<byte> salt32, ReadOnlySpan<byte> initCode)
    {
        if (salt32.Length != 32)
        {
            throw new ArgumentException($"A CREATE2 salt is 32 bytes; got {salt32.Length}.", nameof(salt32));
        }
        return Address.FromBytes(Keccak256.Hash([0xff, .. deployer.ToArray(), .. salt32, .. Keccak256.Hash(initCode)])[12..]);
    }
}

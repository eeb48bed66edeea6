using System.Numerics;
using Ledger.Chain.Abi;
using Ledger.Chain.Crypto;
using Ledger.Chain.Rpc;

namespace Ledger.Chain.Contracts;

/// <summary>
/// An EIP-2612 permit signed by the token owner: the EIP-712 digest
/// keccak256(0x1901 ‖ domainSeparator ‖ keccak256(abi.encode(PERMIT_TYPEHASH, owner, spender, value, nonce, deadline))).
/// </summary>
public sealed record PermitSignature(Address Owner, Address Spender, BigInteger Value, BigInteger Deadline, byte V, byte[] R, byte[] S)
{
    private static readonly byte[] PermitTypeHash =
        Keccak256.Hash("Permit(address owner,address spender,uint256 value,uint256 nonce,uint256 deadline)");

    private static readonly IReadOnlyList<AbiType> StructTypes =
    [
        AbiType.FixedBytes(32), AbiType.AddressType, AbiType.AddressType, AbiType.UInt(256), AbiType.UInt(256), AbiType.UInt(256),
    ];

    /// <summary>Signs a permit with the owner's key, for the token's domain separator and the owner's current permit nonce.</summary>
    public static PermitSignature Sign(EthKey owner, Hash32 domainSeparator, Address spender, BigInteger value, BigInteger nonce, BigInteger deadline)
    {
        ArgumentNullException.ThrowIfNull(owner);
        var structHash = Keccak256.Hash(AbiCodec.Encode(StructTypes, [PermitTypeHash, owner.Address, spender, value, nonce, deadline]));
        byte[] digest = [0x19, 0x01, .. domainSeparator.ToBytes(), .. structHash];
        var signature = owner.Sign(Keccak256.Hash(digest));
        return new PermitSignature(owner.Address, spender, value, deadline, (byte)(27 + signature.RecoveryId), signature.R, signature.S);
    }
}

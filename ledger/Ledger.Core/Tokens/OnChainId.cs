using System.Buffers.Binary;

namespace Ledger.Core.Tokens;

/// <summary>
/// How a ledger id (a UUID, 128 bits) is written as a contract's bytes32 id (a payout's in PayoutBatcher,
/// an escrow's in SettlementEscrow): 16 zero bytes, then the id's 16 bytes in network order, the same
/// word as ABI-encoding the id as a uint256. Anyone holding the id can find it on chain.
/// </summary>
public static class OnChainId
{
    public static byte[] ToBytes32(UInt128 id)
    {
        var word = new byte[32];
        BinaryPrimitives.WriteUInt128BigEndian(word.AsSpan(16), id);
        return word;
    }

    /// <summary>The id a bytes32 holds, or null when its first 16 bytes are not zero (not one of ours).</summary>
    public static UInt128? FromBytes32(ReadOnlySpan<byte> word)
    {
        if (word.Length != 32 || word[..16].ContainsAnyExcept((byte)0))
        {
            return null;
        }

        return BinaryPrimitives.ReadUInt128BigEndian(word[16..]);
    }
}

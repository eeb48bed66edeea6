using Ledger.Core.Codec;
using Ledger.Core.Domain;

namespace Ledger.Core.Merkle;

/// <summary>The leaf hashes of transfers: <c>keccak256(0x00 || record)</c> over each one's 128-byte record (PROOFS.md).</summary>
public static class LogLeaves
{
    public static byte[][] Hash(IReadOnlyList<Transfer> transfers)
    {
        ArgumentNullException.ThrowIfNull(transfers);
        var leaves = new byte[transfers.Count][];
        Span<byte> record = stackalloc byte[TransferRecord.Size];
        for (var i = 0; i < leaves.Length; i++)
        {
            TransferRecord.Encode(transfers[i], record);
            leaves[i] = MerkleHash.Leaf(record);
        }

        return leaves;
    }
}

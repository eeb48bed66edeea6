using Ledger.Auditor.Merkle;
using Ledger.Auditor.Proofs;
using Ledger.Auditor.Records;
using Ledger.Chain.Encoding;

namespace Ledger.Auditor.Checks;

/// <summary>The checks that need nothing but the proof itself: the record against the transfer, the leaf hash, the audit path.</summary>
internal static class OffChainChecks
{
    public static IReadOnlyList<CheckResult> Run(ProofDocument proof)
    {
        ArgumentNullException.ThrowIfNull(proof);
        var leafHash = TreeHashing.Leaf(proof.Record);
        return
        [
            TransferFieldComparer.Check(RecordFields.Parse(proof.Record), proof.Transfer, proof.LeafIndex),
            LeafHash(proof, leafHash),
            Inclusion(proof, leafHash),
        ];
    }

    private static CheckResult LeafHash(ProofDocument proof, byte[] leafHash) =>
        leafHash.AsSpan().SequenceEqual(proof.LeafHash)
            ? CheckResult.Pass(CheckNames.LeafHash, $"keccak256(0x00 || record) = {Hex.ToHex(leafHash)}")
            : CheckResult.Fail(CheckNames.LeafHash, $"expected keccak256(0x00 || record) = {Hex.ToHex(leafHash)}, got leaf_hash {Hex.ToHex(proof.LeafHash)}");

    /// <summary>Folds the path from the record's own leaf hash, so a proof cannot pass for a record it does not hold.</summary>
    private static CheckResult Inclusion(ProofDocument proof, byte[] leafHash)
    {
        var where = $"leaf {proof.LeafIndex} of {proof.TreeSize}, {proof.AuditPath.Count} path hashes";
        var root = InclusionVerifier.RootFromPath(proof.LeafIndex, proof.TreeSize, leafHash, proof.AuditPath, out var failure);
        if (root is null)
        {
            return CheckResult.Fail(CheckNames.Inclusion, $"{where}: {failure}");
        }

        return root.AsSpan().SequenceEqual(proof.Root)
            ? CheckResult.Pass(CheckNames.Inclusion, $"{where} fold to root {Hex.ToHex(root)}")
            : CheckResult.Fail(CheckNames.Inclusion, $"{where}: expected root {Hex.ToHex(proof.Root)}, the path folds to {Hex.ToHex(root)}");
    }
}

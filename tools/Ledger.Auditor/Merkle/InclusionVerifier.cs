namespace Ledger.Auditor.Merkle;

/// <summary>RFC 9162 §2.1.3.2: the root an audit path folds to from a leaf hash, or why it folds to none.</summary>
internal static class InclusionVerifier
{
    /// <summary>
    /// Folds <paramref name="auditPath"/> from <paramref name="leafHash"/> at <paramref name="leafIndex"/> in a
    /// tree of <paramref name="treeSize"/> leaves. Returns the root it reaches, or null with the reason when
    /// the path cannot belong to such a tree (index outside it, a path too long or too short).
    /// </summary>
    public static byte[]? RootFromPath(ulong leafIndex, ulong treeSize, byte[] leafHash, IReadOnlyList<byte[]> auditPath, out string? failure)
    {
        ArgumentNullException.ThrowIfNull(leafHash);
        ArgumentNullException.ThrowIfNull(auditPath);
        if (leafIndex >= treeSize)
        {
            failure = $"leaf index {leafIndex} is outside a tree of {treeSize} leaves";
            return null;
        }

        var fn = leafIndex;
        var sn = treeSize - 1;
        var r = leafHash;
        foreach (var p in auditPath)
        {
            if (sn == 0)
            {
                failure = $"the audit path has {auditPath.Count} hashes, more than a tree of {treeSize} leaves needs at index {leafIndex}";
                return null;
            }

            if ((fn & 1) == 1 || fn == sn)
            {
                r = TreeHashing.Node(p, r);
                while ((fn & 1) == 0 && fn != 0)
                {
                    fn >>= 1;
                    sn >>= 1;
                }
            }
            else
            {
                r = TreeHashing.Node(r, p);
            }

            fn >>= 1;
            sn >>= 1;
        }

        if (sn != 0)
        {
            failure = $"the audit path has {auditPath.Count} hashes, fewer than a tree of {treeSize} leaves needs at index {leafIndex}";
            return null;
        }

        failure = null;
        return r;
    }
}

namespace Ledger.Auditor.Checks;

/// <summary>The names under which verify-proof reports its checks, in the order it runs them.</summary>
internal static class CheckNames
{
    /// <summary>The proof could be read at all (file or URL, JSON, every field well formed).</summary>
    public const string ProofDocument = "proof_document";

    /// <summary>The record's fields equal the transfer object's.</summary>
    public const string RecordFields = "record_fields";

    /// <summary>leaf_hash = keccak256(0x00 || record).</summary>
    public const string LeafHash = "leaf_hash";

    /// <summary>The audit path folds from leaf_index in a tree of tree_size to root.</summary>
    public const string Inclusion = "inclusion";

    /// <summary>The RPC's chain is the anchor's chain_id.</summary>
    public const string ChainId = "chain_id";

    /// <summary>The contract holds (tree_size, root) at seq, read at a confirmed block.</summary>
    public const string AnchorContract = "anchor_contract";

    /// <summary>The anchor transaction succeeded and emitted Anchored(seq, tree_size, root).</summary>
    public const string AnchorReceipt = "anchor_receipt";
}

using System.Text.Json.Nodes;
using Ledger.Chain.Encoding;

namespace Ledger.Auditor.Tests.Infrastructure;

/// <summary>
/// Builds the proof JSON of PROOFS.md for one transfer placed at <c>leafIndex</c> in a random tree of
/// <c>treeSize</c> records, with the path and root from <see cref="ReferenceTree"/>.
/// </summary>
internal static class ProofFixture
{
    public const string Contract = "0x5fbdb2315678afecb367f032d93f642f64180aa3";

    public static (JsonObject Proof, ReferenceTree Tree) Build(TestTransfer transfer, int leafIndex, int treeSize, int seed, AnchorFields? anchor = null)
    {
        var random = ReferenceTree.Random(treeSize, seed);
        var records = random.Records.ToList();
        records[leafIndex] = (transfer with { LogIndex = (ulong)leafIndex }).Record();
        var tree = new ReferenceTree(records);
        return (Json(tree, transfer with { LogIndex = (ulong)leafIndex }, leafIndex, anchor ?? new AnchorFields()), tree);
    }

    public static JsonObject Json(ReferenceTree tree, TestTransfer transfer, int leafIndex, AnchorFields anchor) => new()
    {
        ["transfer"] = transfer.Json(),
        ["record"] = Hex.ToHex(tree.Records[leafIndex]),
        ["leaf_index"] = leafIndex,
        ["leaf_hash"] = Hex.ToHex(tree.LeafHash(leafIndex)),
        ["tree_size"] = tree.Size,
        ["root"] = Hex.ToHex(tree.Root()),
        ["audit_path"] = new JsonArray([.. tree.InclusionPath(leafIndex, tree.Size).Select(h => (JsonNode)JsonValue.Create(Hex.ToHex(h)))]),
        ["anchor"] = new JsonObject
        {
            ["chain_id"] = anchor.ChainId,
            ["contract"] = anchor.Contract,
            ["seq"] = anchor.Seq,
            ["tx_hash"] = anchor.TransactionHash,
            ["block_number"] = anchor.BlockNumber,
        },
    };
}

/// <summary>The proof's anchor object; the defaults describe no real transaction.</summary>
internal sealed record AnchorFields(
    ulong ChainId = 31337,
    string Contract = ProofFixture.Contract,
    ulong Seq = 1,
    string TransactionHash = "0x1111111111111111111111111111111111111111111111111111111111111111",
    ulong BlockNumber = 5);

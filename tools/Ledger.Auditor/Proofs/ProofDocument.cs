using System.Text.Json;
using Ledger.Chain.Abi;
using Ledger.Chain.Rpc;

namespace Ledger.Auditor.Proofs;

/// <summary>
/// An inclusion proof as PROOFS.md "Proof JSON" writes it. The transfer object is kept as JSON, since
/// comparing it with the record is itself one of the checks.
/// </summary>
internal sealed record ProofDocument(
    JsonElement Transfer,
    byte[] Record,
    ulong LeafIndex,
    byte[] LeafHash,
    ulong TreeSize,
    byte[] Root,
    IReadOnlyList<byte[]> AuditPath,
    ProofAnchor Anchor)
{
    /// <summary>The largest proof document read; a real one is a few kilobytes.</summary>
    public const int MaxBytes = 1024 * 1024;

    /// <summary>Parses the document; a missing or malformed field is a <see cref="FormatException"/> naming it.</summary>
    public static ProofDocument Parse(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json);
        }
        catch (JsonException exception)
        {
            throw new FormatException($"The proof is not JSON: {exception.Message}", exception);
        }

        using (document)
        {
            const string where = "proof";
            var root = document.RootElement;
            var transfer = JsonFields.Required(root, "transfer", where);
            if (transfer.ValueKind != JsonValueKind.Object)
            {
                throw new FormatException("proof.transfer is not a JSON object.");
            }

            var anchor = JsonFields.Required(root, "anchor", where);
            const string anchorWhere = "proof.anchor";
            var contractText = JsonFields.String(anchor, "contract", anchorWhere);
            if (!Address.TryParse(contractText, out var contract))
            {
                throw new FormatException($"proof.anchor.contract is not an address: '{contractText}'.");
            }

            return new ProofDocument(
                transfer.Clone(),
                JsonFields.HexBytes(root, "record", Records.RecordFields.Size, where),
                JsonFields.UInt64(root, "leaf_index", where),
                JsonFields.HexBytes(root, "leaf_hash", 32, where),
                JsonFields.UInt64(root, "tree_size", where),
                JsonFields.HexBytes(root, "root", 32, where),
                JsonFields.HashList(root, "audit_path", where),
                new ProofAnchor(
                    JsonFields.UInt64(anchor, "chain_id", anchorWhere),
                    contract,
                    JsonFields.UInt64(anchor, "seq", anchorWhere),
                    Hash32.FromBytes(JsonFields.HexBytes(anchor, "tx_hash", 32, anchorWhere)),
                    JsonFields.UInt64(anchor, "block_number", anchorWhere)));
        }
    }
}

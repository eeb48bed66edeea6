using Ledger.Chain.Rpc;

namespace Ledger.Chain.Contracts;

/// <summary>Anchored(uint64 indexed seq, uint64 treeSize, bytes32 root), with the log it came from.</summary>
public sealed record AnchoredEvent(ulong Seq, ulong TreeSize, Hash32 Root, RpcLog Log)
{
    internal static AnchoredEvent From(DecodedLog log) => new(
        AbiValue.UInt64(log.Values["seq"], "Anchored.seq"),
        AbiValue.UInt64(log.Values["treeSize"], "Anchored.treeSize"),
        AbiValue.Bytes32(log.Values["root"], "Anchored.root"),
        log.Log);
}

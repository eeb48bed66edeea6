using Ledger.Chain.Abi;
using Ledger.Chain.Rpc;

namespace Ledger.Auditor.Proofs;

/// <summary>The proof's "anchor" object: where and in which transaction the tree head was anchored.</summary>
internal sealed record ProofAnchor(ulong ChainId, Address Contract, ulong Seq, Hash32 TransactionHash, ulong BlockNumber);

using Ledger.Chain.Abi;

namespace Ledger.Auditor.Api;

/// <summary>GET /v1/chain, the parts replay uses: which chain, and where SettlementAnchor lives on it.</summary>
internal sealed record ChainInfo(ulong ChainId, Address AnchorContract);

using Ledger.Auditor.OnChain;
using Ledger.Auditor.Proofs;

namespace Ledger.Auditor.Checks;

/// <summary>Every check of PROOFS.md on one proof, in order; all of them run, so a report names every failure.</summary>
internal static class ProofVerifier
{
    public static async Task<IReadOnlyList<CheckResult>> VerifyAsync(ProofDocument proof, Uri rpc, int confirmations, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(proof);
        ArgumentNullException.ThrowIfNull(rpc);
        var results = new List<CheckResult>(OffChainChecks.Run(proof));
        using var chain = new AnchorReader(rpc);
        results.AddRange(await OnChainChecks.RunAsync(proof, chain, confirmations, cancellationToken));
        return results;
    }
}

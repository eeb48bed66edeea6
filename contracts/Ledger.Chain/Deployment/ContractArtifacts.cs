using System.Collections.Concurrent;

namespace Ledger.Chain.Deployment;

/// <summary>
/// The compiled contracts embedded in this assembly (contracts/artifacts/*.json, written by
/// contracts/compile.mjs), loaded once each.
/// </summary>
public static class ContractArtifacts
{
    public const string SettlementAnchorName = "SettlementAnchor";
    public const string SettlementEscrowName = "SettlementEscrow";
    public const string PayoutBatcherName = "PayoutBatcher";
    public const string TestUsdName = "TestUSD";

    private static readonly ConcurrentDictionary<string, ContractArtifact> Loaded = new(StringComparer.Ordinal);

    public static ContractArtifact SettlementAnchor => Load(SettlementAnchorName);

    public static ContractArtifact SettlementEscrow => Load(SettlementEscrowName);

    public static ContractArtifact PayoutBatcher => Load(PayoutBatcherName);

    public static ContractArtifact TestUsd => Load(TestUsdName);

    public static ContractArtifact Load(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        return Loaded.GetOrAdd(name, static n =>
        {
            var resource = $"Ledger.Chain.Artifacts.{n}.json";
            using var stream = typeof(ContractArtifacts).Assembly.GetManifestResourceStream(resource)
                ?? throw new FileNotFoundException($"No embedded artifact {resource}; is contracts/artifacts/{n}.json committed?");
            return ContractArtifact.Read(n, stream);
        });
    }
}

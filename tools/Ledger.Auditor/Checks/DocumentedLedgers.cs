namespace Ledger.Auditor.Checks;

/// <summary>
/// The currencies a node starts with and their ledger numbers, as API.md "Operator" documents them (ISO 4217
/// numeric codes, USDC 1000001). A transfer names its currency, not its ledger; these are the ones an
/// auditor can map without asking the node. A currency added later is reported as not compared.
/// </summary>
internal static class DocumentedLedgers
{
    private static readonly Dictionary<string, uint> ByCode = new(StringComparer.Ordinal)
    {
        ["USD"] = 840,
        ["EUR"] = 978,
        ["GBP"] = 826,
        ["JPY"] = 392,
        ["CNY"] = 156,
        ["HKD"] = 344,
        ["SGD"] = 702,
        ["AED"] = 784,
        ["INR"] = 356,
        ["USDC"] = 1_000_001,
    };

    public static uint? Find(string currency) => ByCode.TryGetValue(currency, out var ledger) ? ledger : null;
}

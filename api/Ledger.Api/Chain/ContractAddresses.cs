using System.Text.RegularExpressions;

namespace Ledger.Api.Chain;

/// <summary>
/// The four deployments by role, as <c>LEDGER_CONTRACTS</c> gives them:
/// <c>anchor=0x..,escrow=0x..,payouts=0x..,stablecoin=0x..</c>. Addresses are kept as 0x-hex text.
/// </summary>
public sealed partial record ContractAddresses(string Anchor, string Escrow, string Payouts, string Stablecoin)
{
    private static readonly string[] Names = ["anchor", "escrow", "payouts", "stablecoin"];

    public static ContractAddresses Parse(string text)
    {
        var found = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var equals = part.IndexOf('=', StringComparison.Ordinal);
            var name = equals < 0 ? part : part[..equals].Trim();
            var value = equals < 0 ? string.Empty : part[(equals + 1)..].Trim();
            if (!Names.Contains(name))
            {
                throw new NodeConfigurationException($"LEDGER_CONTRACTS names '{name}'; the names are {string.Join(", ", Names)}.");
            }

            if (!AddressPattern().IsMatch(value))
            {
                throw new NodeConfigurationException($"LEDGER_CONTRACTS gives {name} as '{value}'; it must be a 0x-prefixed 20-byte hex address.");
            }

            if (!found.TryAdd(name, value))
            {
                throw new NodeConfigurationException($"LEDGER_CONTRACTS names {name} twice.");
            }
        }

        var missing = Names.Where(n => !found.ContainsKey(n)).ToList();
        if (missing.Count > 0)
        {
            throw new NodeConfigurationException($"LEDGER_CONTRACTS lacks {string.Join(", ", missing)}; it must name anchor, escrow, payouts and stablecoin.");
        }

        return new ContractAddresses(found["anchor"], found["escrow"], found["payouts"], found["stablecoin"]);
    }

    [GeneratedRegex("^0x[0-9a-fA-F]{40}$")]
    private static partial Regex AddressPattern();
}

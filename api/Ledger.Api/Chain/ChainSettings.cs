using System.Globalization;
using System.Text.RegularExpressions;

namespace Ledger.Api.Chain;

/// <summary>
/// The chain settings of API.md: <c>LEDGER_CHAIN_RPC</c>, <c>LEDGER_CONTRACTS</c>, <c>LEDGER_CHAIN_KEY</c>
/// and <c>LEDGER_CONFIRMATIONS</c>. Parsed and checked before the node opens anything.
/// </summary>
public sealed partial class ChainSettings
{
    /// <summary>Confirmations on the embedded node's local chain.</summary>
    public const int LocalConfirmations = 2;

    /// <summary>Confirmations on any other chain.</summary>
    public const int RemoteConfirmations = 12;

    public const int ConfirmationsMax = 1000;

    /// <summary>The JSON-RPC endpoint; null means "no chain configured".</summary>
    public Uri? Rpc { get; set; }

    /// <summary>Existing deployments; null means "deploy once and remember".</summary>
    public ContractAddresses? Contracts { get; set; }

    /// <summary>The hex private key that anchors and pays out; null means anvil's first dev key on a local anvil.</summary>
    public string? Key { get; set; }

    /// <summary>Blocks before an anchor or payout is final; null means the default for the chain.</summary>
    public int? Confirmations { get; set; }

    public int ConfirmationsFor(bool localChain) => Confirmations ?? (localChain ? LocalConfirmations : RemoteConfirmations);

    public static Uri ParseRpc(string text) =>
        Uri.TryCreate(text.Trim(), UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)
            ? uri
            : throw new NodeConfigurationException($"LEDGER_CHAIN_RPC is '{text}'; it must be an http or https URL, such as http://127.0.0.1:8545.");

    public static int ParseConfirmations(string text) =>
        int.TryParse(text.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var blocks) && blocks is >= 1 and <= ConfirmationsMax
            ? blocks
            : throw new NodeConfigurationException($"LEDGER_CONFIRMATIONS is '{text}'; it must be a whole number of blocks from 1 to {ConfirmationsMax}.");

    public static string ParseKey(string text)
    {
        var key = text.Trim();
        if (!PrivateKeyPattern().IsMatch(key))
        {
            // The value is a secret: the message never repeats it.
            throw new NodeConfigurationException("LEDGER_CHAIN_KEY must be a private key of 64 hex digits, with or without 0x.");
        }

        return key.StartsWith("0x", StringComparison.OrdinalIgnoreCase) ? key[2..] : key;
    }

    [GeneratedRegex("^(0x)?[0-9a-fA-F]{64}$")]
    private static partial Regex PrivateKeyPattern();
}

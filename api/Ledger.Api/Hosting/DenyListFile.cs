using Ledger.Chain.Abi;
using Ledger.Core.Payouts;

namespace Ledger.Api.Hosting;

/// <summary>
/// Loads the deny list file named by <c>LEDGER_DENY_LIST</c> at start: one address per line, optionally
/// followed by a comma and a reason; blank lines and lines starting with # are skipped. Every address is
/// put on the store's deny list (source <c>file:&lt;name&gt;</c>); entries are never removed by a reload.
/// A line that is not an address stops the node: a sanctions list half read must not pass for read.
/// </summary>
public static class DenyListFile
{
    public const int ReasonLengthMax = 500;

    public static async Task<int> LoadAsync(string path, IPayoutStore payouts, TimeProvider clock, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(payouts);
        ArgumentNullException.ThrowIfNull(clock);
        string[] lines;
        try
        {
            lines = await File.ReadAllLinesAsync(path, cancellationToken);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            throw new NodeConfigurationException($"LEDGER_DENY_LIST names '{path}', which cannot be read: {exception.Message}");
        }

        var source = "file:" + Path.GetFileName(path);
        var entries = new List<DeniedAddress>();
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].Trim();
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            var comma = line.IndexOf(',', StringComparison.Ordinal);
            var text = (comma < 0 ? line : line[..comma]).Trim();
            var reason = comma < 0 ? "listed in " + Path.GetFileName(path) : line[(comma + 1)..].Trim();
            if (!Address.TryParse(text, out var address))
            {
                throw new NodeConfigurationException($"LEDGER_DENY_LIST line {i + 1} is not an address (0x and 40 hex digits; mixed case must be its EIP-55 checksum).");
            }

            if (reason.Length == 0 || reason.Length > ReasonLengthMax || reason.Any(char.IsControl))
            {
                throw new NodeConfigurationException($"LEDGER_DENY_LIST line {i + 1} has a reason that is empty or longer than {ReasonLengthMax} characters.");
            }

            entries.Add(new DeniedAddress(address.ToArray(), reason, source, clock.GetUtcNow()));
        }

        foreach (var entry in entries)
        {
            await payouts.DenyAddressAsync(entry, cancellationToken);
        }

        return entries.Count;
    }
}

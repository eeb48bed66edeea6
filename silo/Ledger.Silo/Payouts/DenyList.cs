using Ledger.Core.Payouts;

namespace Ledger.Silo.Payouts;

/// <summary>
/// The deny list as read once for a round: the whole list in one query, then a set lookup per payout, so a
/// batch of 256 against a list of thousands costs one read, not one per payout.
/// </summary>
internal sealed class DenyList
{
    private readonly HashSet<string> addresses;

    private DenyList(HashSet<string> addresses) => this.addresses = addresses;

    public static async Task<DenyList> LoadAsync(IPayoutStore payouts, CancellationToken cancellationToken)
    {
        var entries = await payouts.ListDeniedAddressesAsync(cancellationToken);
        return new DenyList(entries.Select(static e => Convert.ToHexString(e.Address)).ToHashSet(StringComparer.Ordinal));
    }

    public bool Contains(byte[] address)
    {
        ArgumentNullException.ThrowIfNull(address);
        return addresses.Contains(Convert.ToHexString(address));
    }
}

using Ledger.Chain.Abi;

namespace Ledger.Api.Payouts;

/// <summary>
/// Checks a payout destination on the erc20 rail: exactly the EIP-55 checksummed text of a 20-byte
/// address (a typo in a mixed-case address fails its checksum; an all-lower or all-upper address has
/// none, so it is refused and the checksummed form is named), never the zero address, never one of our
/// own contracts. The deny list is checked by the caller against the store.
/// </summary>
public static class PayoutDestination
{
    public static ProblemCode? Check(string? text, IReadOnlyCollection<Address> ownContracts, out Address address) =>
        Check(text, ownContracts, "destination", out address);

    /// <summary>The same checks for another field that names an address tokens go to (an escrow's payee).</summary>
    public static ProblemCode? Check(string? text, IReadOnlyCollection<Address> ownContracts, string field, out Address address)
    {
        ArgumentNullException.ThrowIfNull(ownContracts);
        if (!Address.TryParse(text, out address))
        {
            return new ProblemCode($"invalid_{field}", $"{field} '{text}' is not an address: 0x and 40 hex digits, in its EIP-55 checksummed form.");
        }

        var checksummed = address.ToString();
        if (!string.Equals(text, checksummed, StringComparison.Ordinal))
        {
            return new ProblemCode($"{field}_not_checksummed", $"{field} must be written in its EIP-55 checksummed form, {checksummed}, so that a mistyped address is caught.");
        }

        if (address == Address.Zero)
        {
            return new ProblemCode($"invalid_{field}", $"{field} is the zero address; tokens sent there are lost.");
        }

        if (ownContracts.Contains(address))
        {
            return new ProblemCode($"invalid_{field}", $"{field} {checksummed} is one of this ledger's own contracts.");
        }

        return null;
    }
}

/// <summary>A problem's code and sentence, before it becomes a response.</summary>
public sealed record ProblemCode(string Code, string Detail);

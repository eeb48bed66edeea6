using System.ComponentModel;
using Ledger.Api.Wire;
using Ledger.Core.Payouts;

namespace Ledger.Api.Contracts;

/// <summary>The body of PUT /v1/payouts/deny-list/{address}.</summary>
public sealed record DenyAddressBody
{
    [WireError("invalid_reason")]
    [Description("Why the address is denied (a sanctions list entry, say), 1 to 500 characters.")]
    public required string Reason { get; init; }
}

public sealed record DeniedAddressResponse(
    [property: Description("EIP-55 checksummed.")] string Address,
    string Reason,
    [property: Description("api, or file:<name> for entries loaded from LEDGER_DENY_LIST.")] string Source,
    [property: Description("RFC 3339, UTC.")] string AddedAt)
{
    public static DeniedAddressResponse From(DeniedAddress entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return new DeniedAddressResponse(Ledger.Chain.Abi.Address.FromBytes(entry.Address).ToString(), entry.Reason, entry.Source, WireFormat.Timestamp(entry.AddedAt));
    }
}

public sealed record DenyListResponse(IReadOnlyList<DeniedAddressResponse> Addresses);

using Ledger.Api.Chain;
using Ledger.Chain.Abi;

namespace Ledger.Api.Payouts;

/// <summary>
/// The erc20 rail as this node runs it: USDC in the ledger (scale 6), the stablecoin contract on chain
/// (six decimals, like USDC and TestUSD), and the addresses tokens must never be sent to because they are
/// our own (the four contracts and the treasury).
/// </summary>
public static class StablecoinRail
{
    /// <summary>The ledger currency the erc20 rail pays out and escrows hold.</summary>
    public const string Currency = "USDC";

    /// <summary>The stablecoin's decimals; the chain host refuses a stablecoin with other decimals.</summary>
    public const byte TokenDecimals = 6;

    /// <summary>The four contracts and the treasury of the chain the node is connected to.</summary>
    public static IReadOnlyCollection<Address> OwnAddresses(ChainInfo info)
    {
        ArgumentNullException.ThrowIfNull(info);
        var contracts = info.Contracts;
        return new HashSet<Address>
        {
            Address.Parse(contracts.Anchor),
            Address.Parse(contracts.Escrow),
            Address.Parse(contracts.Payouts),
            Address.Parse(contracts.Stablecoin),
            Address.Parse(info.Treasury),
        };
    }
}

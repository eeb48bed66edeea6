using Ledger.Api.Chain;
using Ledger.Api.Wire;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Ledger.Api.Endpoints;

/// <summary>Response of <c>GET /v1/chain</c>.</summary>
public sealed record ChainResponse(
    ulong ChainId,
    string? RpcUrl,
    ChainContractsResponse Contracts,
    int Confirmations,
    [property: System.ComponentModel.Description("The node's address: it anchors, pays payouts from its token balance, and is the arbiter of escrows. EIP-55.")] string Treasury);

public sealed record ChainContractsResponse(string Anchor, string Escrow, string Payouts, string Stablecoin);

public static class ChainEndpoints
{
    public static RouteGroupBuilder MapChain(this RouteGroupBuilder v1)
    {
        ArgumentNullException.ThrowIfNull(v1);
        v1.MapGet("/chain", Get)
            .WithTags("Settlement")
            .WithName("GetChain")
            .WithSummary("The chain the ledger anchors to: chain id, the RPC URL when it is a public one, the contracts, the confirmations before final. Any role.");
        return v1;
    }

    public static Results<Ok<ChainResponse>, ProblemHttpResult> Get(ChainConnection chain)
    {
        if (chain.Info is not { } info)
        {
            return Problems.Unavailable("chain_not_configured", "This node runs without a chain: LEDGER_CHAIN_RPC is not set and the node does not start a local one.");
        }

        var contracts = info.Contracts;
        return TypedResults.Ok(new ChainResponse(
            info.ChainId,
            info.RpcIsPublic ? info.RpcUrl.ToString().TrimEnd('/') : null,
            new ChainContractsResponse(contracts.Anchor, contracts.Escrow, contracts.Payouts, contracts.Stablecoin),
            info.Confirmations,
            info.Treasury));
    }
}

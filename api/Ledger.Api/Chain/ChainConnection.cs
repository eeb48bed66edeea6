using Ledger.Chain.Contracts;
using Ledger.Chain.Rpc;
using Ledger.Chain.Sending;

namespace Ledger.Api.Chain;

/// <summary>
/// The chain this node talks to, once the chain host has connected (and deployed, the first time): what
/// <c>GET /v1/chain</c> shows, and the client, sender and contract bindings the silo's pipeline uses.
/// Null <see cref="Info"/> means the node runs without a chain (roles api and silo with no
/// <c>LEDGER_CHAIN_RPC</c>): batches close, nothing is anchored.
/// </summary>
public sealed class ChainConnection
{
    private volatile ChainSession? session;

    public ChainInfo? Info => session?.Info;

    public ChainSession? Session => session;

    internal void Connected(ChainSession connected) => session = connected;

    internal void Disconnected() => session = null;
}

/// <summary>
/// One chain connection: its id, the RPC URL auditors can use, the four deployments, the finality depth,
/// and the treasury: the node key's address, which anchors, pays payouts out of its token balance, and
/// is the arbiter (and, for treasury-funded escrows, the payer) of escrows.
/// </summary>
/// <remarks>
/// <see cref="DeploymentBlock"/> is the block the contracts were deployed in when this node deployed them
/// (0 for contracts given by <c>LEDGER_CONTRACTS</c>): where reading the contracts' events may start.
/// </remarks>
public sealed record ChainInfo(ulong ChainId, Uri RpcUrl, bool RpcIsPublic, ContractAddresses Contracts, int Confirmations, bool Local, string Treasury, ulong DeploymentBlock = 0);

/// <summary>The live objects of one connection.</summary>
public sealed record ChainSession(ChainInfo Info, EthClient Eth, TransactionSender Sender, SettlementContracts Contracts);

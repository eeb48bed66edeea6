using Ledger.Chain.Abi;
using Ledger.Chain.Contracts;
using Ledger.Chain.Rpc;

namespace Ledger.Auditor.OnChain;

/// <summary>
/// Reads SettlementAnchor over any Ethereum JSON-RPC endpoint the auditor chooses, by eth_call only, at a
/// block that is already <c>confirmations</c> deep, so a head that a reorganisation could still drop is not
/// taken as anchored.
/// </summary>
internal sealed class AnchorReader : IDisposable
{
    private readonly JsonRpcClient _rpc;
    private readonly EthClient _eth;

    public AnchorReader(Uri endpoint)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        _rpc = new JsonRpcClient(new JsonRpcClientOptions { Endpoint = endpoint });
        _eth = new EthClient(_rpc);
    }

    public Task<ulong> ChainIdAsync(CancellationToken cancellationToken) => _eth.GetChainIdAsync(cancellationToken);

    /// <summary>
    /// The newest block with at least <paramref name="confirmations"/> confirmations: the head counts as one,
    /// so it is head − (confirmations − 1). Null when the chain is not that long yet.
    /// </summary>
    public async Task<ConfirmedBlock?> ConfirmedBlockAsync(int confirmations, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(confirmations, 1);
        var head = await _eth.GetBlockNumberAsync(cancellationToken);
        var depth = (ulong)(confirmations - 1);
        return head < depth ? null : new ConfirmedBlock(head, head - depth, confirmations);
    }

    public Task<AnchorRecord> AnchorAsync(Address contract, ulong seq, ConfirmedBlock block, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(block);
        return Binding(contract).GetAnchorAsync(seq, BlockTag.Number(block.Number), cancellationToken);
    }

    public Task<AnchorHead> LatestAsync(Address contract, ConfirmedBlock block, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(block);
        return Binding(contract).GetLatestAsync(BlockTag.Number(block.Number), cancellationToken);
    }

    public Task<RpcReceipt?> ReceiptAsync(Hash32 transactionHash, CancellationToken cancellationToken) =>
        _eth.GetTransactionReceiptAsync(transactionHash, cancellationToken);

    /// <summary>The Anchored events that <paramref name="contract"/> itself emitted in the receipt.</summary>
    public IReadOnlyList<AnchoredEvent> AnchoredEvents(Address contract, RpcReceipt receipt) => Binding(contract).AnchoredEvents(receipt);

    public void Dispose() => _rpc.Dispose();

    private SettlementAnchorContract Binding(Address contract) => new(contract, _eth, sender: null);
}

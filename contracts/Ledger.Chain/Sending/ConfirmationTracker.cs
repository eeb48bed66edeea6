using Ledger.Chain.Abi;
using Ledger.Chain.Rpc;

namespace Ledger.Chain.Sending;

/// <summary>
/// Counts confirmations of a sent transaction and notices reorganisations. Each check is one batched
/// request (receipt, head, and the canonical block at the receipt's height), so the three readings come
/// from one moment of the node. A reorganisation shows as the receipt disappearing, the receipt naming
/// another block, or the canonical block at that height having another hash.
/// </summary>
public sealed class ConfirmationTracker
{
    /// <summary>The deepest finality depth accepted; ChainSettings allows no more.</summary>
    public const int MaxFinalityDepth = 1000;

    private readonly EthClient _eth;
    private readonly IReadOnlyList<AbiError> _knownErrors;

    public ConfirmationTracker(EthClient eth, int finalityDepth, IReadOnlyList<AbiError> knownErrors)
    {
        ArgumentNullException.ThrowIfNull(eth);
        ArgumentNullException.ThrowIfNull(knownErrors);
        ArgumentOutOfRangeException.ThrowIfLessThan(finalityDepth, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(finalityDepth, MaxFinalityDepth);
        _eth = eth;
        FinalityDepth = finalityDepth;
        _knownErrors = knownErrors;
    }

    /// <summary>Confirmations at which a transaction counts as final.</summary>
    public int FinalityDepth { get; }

    /// <summary>The standing of a transaction whose block is not yet known: Pending until a receipt appears.</summary>
    public async Task<ConfirmationStatus> CheckAsync(Hash32 transactionHash, CancellationToken cancellationToken)
    {
        var answers = await _eth.Rpc.BatchAsync(
            [
                JsonRpcRequest.Read("eth_getTransactionReceipt", transactionHash.Hex),
                JsonRpcRequest.Read("eth_blockNumber"),
            ],
            cancellationToken);
        var receipt = ReadReceipt(answers[0]);
        if (receipt is null)
        {
            return ConfirmationStatus.Pending;
        }

        var head = RpcJson.QuantityUInt64(answers[1].Result, "eth_blockNumber");
        return await JudgeAsync(receipt, head, cancellationToken);
    }

    /// <summary>
    /// The standing of a transaction whose receipt was seen in block <paramref name="blockHash"/> at
    /// <paramref name="blockNumber"/>: Reorganised when that block is no longer where the transaction is.
    /// </summary>
    public async Task<ConfirmationStatus> CheckAsync(
        Hash32 transactionHash, Hash32 blockHash, ulong blockNumber, CancellationToken cancellationToken)
    {
        var answers = await _eth.Rpc.BatchAsync(
            [
                JsonRpcRequest.Read("eth_getTransactionReceipt", transactionHash.Hex),
                JsonRpcRequest.Read("eth_blockNumber"),
                JsonRpcRequest.Read("eth_getBlockByNumber", BlockTag.Number(blockNumber).ToJson(), false),
            ],
            cancellationToken);
        var receipt = ReadReceipt(answers[0]);
        if (receipt is null || receipt.BlockHash != blockHash || receipt.BlockNumber != blockNumber)
        {
            return ConfirmationStatus.Reorganised(receipt);
        }

        var canonical = answers[2].Result;
        if (canonical.ValueKind == System.Text.Json.JsonValueKind.Null || RpcBlock.Read(canonical).Hash != blockHash)
        {
            return ConfirmationStatus.Reorganised(receipt);
        }

        var head = RpcJson.QuantityUInt64(answers[1].Result, "eth_blockNumber");
        return await JudgeAsync(receipt, head, cancellationToken);
    }

    private static RpcReceipt? ReadReceipt(JsonRpcResponse answer)
    {
        var result = answer.Result;
        return result.ValueKind == System.Text.Json.JsonValueKind.Null ? null : RpcReceipt.Read(result);
    }

    private async Task<ConfirmationStatus> JudgeAsync(RpcReceipt receipt, ulong head, CancellationToken cancellationToken)
    {
        if (head < receipt.BlockNumber)
        {
            // The node's head is below the receipt's block: the block is not on the chain it serves now.
            return ConfirmationStatus.Reorganised(receipt);
        }

        var confirmations = head - receipt.BlockNumber + 1;
        if (!receipt.Succeeded)
        {
            var (_, reason) = await RevertReplay.ReplayAsync(_eth, receipt, _knownErrors, cancellationToken);
            return new ConfirmationStatus(ConfirmationState.Failed, confirmations, receipt, reason);
        }

        var state = confirmations >= (ulong)FinalityDepth ? ConfirmationState.Final : ConfirmationState.Included;
        return new ConfirmationStatus(state, confirmations, receipt);
    }
}

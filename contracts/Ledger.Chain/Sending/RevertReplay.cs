using Ledger.Chain.Abi;
using Ledger.Chain.Rpc;

namespace Ledger.Chain.Sending;

/// <summary>
/// Why an included transaction reverted. Receipts carry no revert data, so the call is replayed by
/// eth_call on the state before its block. That state lacks the block's earlier transactions, so the
/// replay can differ from what happened; the reason says so then.
/// </summary>
public static class RevertReplay
{
    /// <summary>The decoded error when the replay reverts with a known one, and a reason for people either way.</summary>
    public static async Task<(DecodedError? Error, string Reason)> ReplayAsync(
        EthClient eth, RpcReceipt receipt, IReadOnlyList<AbiError> knownErrors, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(eth);
        ArgumentNullException.ThrowIfNull(receipt);
        var transaction = await eth.GetTransactionByHashAsync(receipt.TransactionHash, cancellationToken);
        if (transaction is null || receipt.BlockNumber == 0)
        {
            return (null, "reverted (the transaction could not be replayed)");
        }

        var call = new CallRequest(transaction.To, transaction.Input, transaction.From, transaction.Value, transaction.Gas);
        try
        {
            await eth.CallAsync(call, BlockTag.Number(receipt.BlockNumber - 1), cancellationToken);
            return (null, "reverted (the replay before its block did not revert)");
        }
        catch (JsonRpcException exception)
        {
            var decoded = exception.RevertData is { } data ? AbiErrors.TryDecode(data, knownErrors) : null;
            return (decoded, decoded?.ToString() ?? exception.RpcMessage);
        }
    }
}

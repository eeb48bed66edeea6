using Ledger.Chain.Contracts;
using Ledger.Chain.Rpc;

namespace Ledger.Auditor.OnChain;

/// <summary>The faults a read from the chain can end in, which a check reports as failed rather than crashing on.</summary>
internal static class ChainFaults
{
    public static bool IsChainFault(Exception exception) =>
        exception is JsonRpcException or RpcTransportException or ContractRevertException or HttpRequestException or FormatException;

    public static string Describe(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        return exception switch
        {
            JsonRpcException rpc => $"the RPC answered error {rpc.Code} to {rpc.Method}: {rpc.RpcMessage}",
            _ => $"the RPC read failed: {exception.Message}",
        };
    }
}

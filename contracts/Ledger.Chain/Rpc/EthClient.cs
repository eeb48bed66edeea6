using System.Numerics;
using System.Text.Json;
using System.Text.Json.Nodes;
using Ledger.Chain.Abi;
using Ledger.Chain.Crypto;
using Ledger.Chain.Encoding;

namespace Ledger.Chain.Rpc;

/// <summary>The Ethereum JSON-RPC methods the ledger uses, typed: quantities as numbers, data as bytes.</summary>
public sealed class EthClient
{
    /// <summary>
    /// Fragments of the error a node gives when a raw transaction it is sent again is already in its pool
    /// or already mined (geth, anvil, erigon, nethermind wordings). With these, the transaction may be ours.
    /// </summary>
    private static readonly string[] AlreadySentFragments =
    [
        "already known",
        "known transaction",
        "already imported",
        "already exists",
        "alreadyknown",
        "nonce too low",
    ];

    public EthClient(JsonRpcClient rpc)
    {
        ArgumentNullException.ThrowIfNull(rpc);
        Rpc = rpc;
    }

    public JsonRpcClient Rpc { get; }

    public async Task<ulong> GetChainIdAsync(CancellationToken cancellationToken) =>
        RpcJson.QuantityUInt64(await Rpc.CallAsync("eth_chainId", cancellationToken), "eth_chainId");

    public async Task<ulong> GetBlockNumberAsync(CancellationToken cancellationToken) =>
        RpcJson.QuantityUInt64(await Rpc.CallAsync("eth_blockNumber", cancellationToken), "eth_blockNumber");

    public async Task<BigInteger> GetBalanceAsync(Address address, BlockTag block, CancellationToken cancellationToken) =>
        RpcJson.Quantity(
            await Rpc.CallAsync("eth_getBalance", cancellationToken, address.ToString(), block.ToJson()), "eth_getBalance");

    /// <summary>The account's transaction count: with <see cref="BlockTag.Pending"/>, the next nonce the node would expect.</summary>
    public async Task<ulong> GetTransactionCountAsync(Address address, BlockTag block, CancellationToken cancellationToken) =>
        RpcJson.QuantityUInt64(
            await Rpc.CallAsync("eth_getTransactionCount", cancellationToken, address.ToString(), block.ToJson()),
            "eth_getTransactionCount");

    /// <summary>The gas the call would use. A call that reverts throws <see cref="JsonRpcException"/> carrying the revert data.</summary>
    public async Task<ulong> EstimateGasAsync(CallRequest call, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(call);
        return RpcJson.QuantityUInt64(await Rpc.CallAsync("eth_estimateGas", cancellationToken, call.ToJson()), "eth_estimateGas");
    }

    public async Task<BigInteger> GetMaxPriorityFeePerGasAsync(CancellationToken cancellationToken) =>
        RpcJson.Quantity(await Rpc.CallAsync("eth_maxPriorityFeePerGas", cancellationToken), "eth_maxPriorityFeePerGas");

    public async Task<FeeHistory> GetFeeHistoryAsync(
        int blockCount, BlockTag newest, IReadOnlyList<double> rewardPercentiles, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(blockCount, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(blockCount, 1024);
        var percentiles = new JsonArray(rewardPercentiles.Select(p => (JsonNode?)JsonValue.Create(p)).ToArray());
        var result = await Rpc.CallAsync(
            "eth_feeHistory", cancellationToken, Hex.ToQuantity((ulong)blockCount), newest.ToJson(), percentiles);
        return FeeHistory.Read(result);
    }

    /// <summary>The block's header, or null when the node has no such block.</summary>
    public async Task<RpcBlock?> GetBlockAsync(BlockTag block, CancellationToken cancellationToken)
    {
        var result = await Rpc.CallAsync("eth_getBlockByNumber", cancellationToken, block.ToJson(), false);
        return result.ValueKind == JsonValueKind.Null ? null : RpcBlock.Read(result);
    }

    /// <summary>The latest block's base fee; zero on a chain before London.</summary>
    public async Task<BigInteger> GetLatestBaseFeeAsync(CancellationToken cancellationToken)
    {
        var block = await GetBlockAsync(BlockTag.Latest, cancellationToken)
            ?? throw new RpcTransportException("The node has no latest block.", transient: false);
        return block.BaseFeePerGas ?? BigInteger.Zero;
    }

    /// <summary>The latest base fee and the suggested priority fee, read in one batch (one HTTP round trip).</summary>
    public async Task<FeeInputs> GetFeeInputsAsync(CancellationToken cancellationToken)
    {
        var answers = await Rpc.BatchAsync(
            [
                JsonRpcRequest.Read("eth_getBlockByNumber", BlockTag.Latest.ToJson(), false),
                JsonRpcRequest.Read("eth_maxPriorityFeePerGas"),
            ],
            cancellationToken);
        var latest = answers[0].Result;
        if (latest.ValueKind == JsonValueKind.Null)
        {
            throw new RpcTransportException("The node has no latest block.", transient: false);
        }

        var baseFee = RpcBlock.Read(latest).BaseFeePerGas ?? BigInteger.Zero;
        return new FeeInputs(baseFee, RpcJson.Quantity(answers[1].Result, "eth_maxPriorityFeePerGas"));
    }

    /// <summary>
    /// Sends a signed raw transaction and returns its hash. Sending the same bytes again is safe: it is the
    /// same transaction. When the node says it already has a transaction for this nonce, the answer counts
    /// as success only if the node knows a transaction with exactly this hash; otherwise the error stands
    /// (another transaction took the nonce).
    /// </summary>
    public async Task<Hash32> SendRawTransactionAsync(byte[] rawTransaction, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(rawTransaction);
        var hash = Hash32.FromBytes(Keccak256.Hash(rawTransaction));
        JsonElement result;
        try
        {
            result = await Rpc.CallAsync(
                new JsonRpcRequest("eth_sendRawTransaction", [Hex.ToHex(rawTransaction)], RpcRetry.Idempotent), cancellationToken);
        }
        catch (JsonRpcException exception) when (MayBeAlreadySent(exception))
        {
            if (await GetTransactionByHashAsync(hash, cancellationToken) is not null)
            {
                return hash;
            }

            throw;
        }

        var answered = RpcJson.Hash(result, "eth_sendRawTransaction");
        return answered == hash
            ? hash
            : throw new RpcTransportException($"The node answered hash {answered} for a transaction whose hash is {hash}.", transient: false);
    }

    /// <summary>The receipt, or null while the transaction is pending or unknown.</summary>
    public async Task<RpcReceipt?> GetTransactionReceiptAsync(Hash32 transactionHash, CancellationToken cancellationToken)
    {
        var result = await Rpc.CallAsync("eth_getTransactionReceipt", cancellationToken, transactionHash.Hex);
        return result.ValueKind == JsonValueKind.Null ? null : RpcReceipt.Read(result);
    }

    public async Task<RpcTransaction?> GetTransactionByHashAsync(Hash32 transactionHash, CancellationToken cancellationToken)
    {
        var result = await Rpc.CallAsync("eth_getTransactionByHash", cancellationToken, transactionHash.Hex);
        return result.ValueKind == JsonValueKind.Null ? null : RpcTransaction.Read(result);
    }

    /// <summary>Runs a call without a transaction. A revert throws <see cref="JsonRpcException"/> carrying the revert data.</summary>
    public async Task<byte[]> CallAsync(CallRequest call, BlockTag block, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(call);
        return RpcJson.Data(await Rpc.CallAsync("eth_call", cancellationToken, call.ToJson(), block.ToJson()), "eth_call");
    }

    public async Task<IReadOnlyList<RpcLog>> GetLogsAsync(LogFilter filter, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(filter);
        var result = await Rpc.CallAsync("eth_getLogs", cancellationToken, filter.ToJson());
        return result.EnumerateArray().Select(RpcLog.Read).ToList();
    }

    /// <summary>The runtime code at the address; empty when no contract lives there.</summary>
    public async Task<byte[]> GetCodeAsync(Address address, BlockTag block, CancellationToken cancellationToken) =>
        RpcJson.Data(await Rpc.CallAsync("eth_getCode", cancellationToken, address.ToString(), block.ToJson()), "eth_getCode");

    private static bool MayBeAlreadySent(JsonRpcException exception) =>
        AlreadySentFragments.Any(fragment => exception.RpcMessage.Contains(fragment, StringComparison.OrdinalIgnoreCase));
}

using System.Diagnostics;
using Ledger.Chain.Encoding;
using Ledger.Chain.Rpc;

namespace Ledger.Silo.Tests.Infrastructure;

/// <summary>
/// Bounded waits for a chain condition a test needs before it asserts. anvil mines a sent transaction
/// on its own, but a moment later: eth_sendRawTransaction answers once the transaction is in the pool, and
/// on a loaded machine the block can come well after the next round has already looked for the receipt.
/// A test that drives rounds by hand waits here for the chain to be where the next round needs it, so
/// that what it asserts after the round is the pipeline's doing, not the scheduler's.
/// </summary>
public static class ChainWait
{
    /// <summary>How long a wait lasts at most: far above anvil's mining latency even under heavy load.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    private static readonly TimeSpan DefaultPoll = TimeSpan.FromMilliseconds(20);

    /// <summary>
    /// Polls <paramref name="condition"/> every <paramref name="poll"/> until it holds; fails the test naming
    /// <paramref name="what"/> after <paramref name="timeout"/> (<see cref="Timeout"/> unless given).
    /// </summary>
    public static async Task UntilAsync(Func<Task<bool>> condition, string what, CancellationToken cancellationToken, TimeSpan? timeout = null, TimeSpan? poll = null)
    {
        ArgumentNullException.ThrowIfNull(condition);
        var limit = timeout ?? Timeout;
        var watch = Stopwatch.StartNew();
        while (!await condition())
        {
            if (watch.Elapsed >= limit)
            {
                Assert.Fail($"Timed out after {limit.TotalSeconds:0} s waiting for {what}.");
            }

            await Task.Delay(poll ?? DefaultPoll, cancellationToken);
        }
    }

    /// <summary>Waits until the node has mined <paramref name="transaction"/> and returns its receipt.</summary>
    public static async Task<RpcReceipt> ReceiptAsync(EthClient eth, Hash32 transaction, CancellationToken cancellationToken, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(eth);
        RpcReceipt? receipt = null;
        await UntilAsync(
            async () => (receipt = await eth.GetTransactionReceiptAsync(transaction, cancellationToken)) is not null,
            $"anvil to mine transaction {transaction} (no receipt yet)",
            cancellationToken,
            timeout);
        return receipt!;
    }

    /// <summary>
    /// Waits until the node's pool holds no transaction ready to be mined (txpool_status: pending 0): every
    /// transaction sent so far is in a block or was refused. Queued ones (a nonce gap) are not waited for.
    /// </summary>
    public static Task PoolMinedAsync(JsonRpcClient rpc, CancellationToken cancellationToken, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(rpc);
        return UntilAsync(
            async () =>
            {
                var status = await rpc.CallAsync("txpool_status", cancellationToken);
                return Hex.ParseQuantityUInt64(status.GetProperty("pending").GetString() ?? "0x0") == 0;
            },
            "anvil to mine the transactions in its pool (txpool_status still shows pending ones)",
            cancellationToken,
            timeout);
    }
}

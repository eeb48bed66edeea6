using System.Text.Json;
using System.Text.Json.Nodes;
using Ledger.Chain.Encoding;
using Ledger.Chain.Rpc;

namespace Ledger.Chain.Local;

/// <summary>
/// anvil's own methods for driving a local chain: mining on demand, snapshots and reverts (which stand in
/// for a reorganisation), and time travel. They change the node's state, so none is retried after an ambiguous fault.
/// </summary>
public sealed class AnvilControl
{
    private readonly JsonRpcClient _rpc;

    public AnvilControl(JsonRpcClient rpc)
    {
        ArgumentNullException.ThrowIfNull(rpc);
        _rpc = rpc;
    }

    /// <summary>Mines <paramref name="blocks"/> empty blocks (or blocks with the pending transactions).</summary>
    public async Task MineAsync(int blocks, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(blocks, 1);
        await CallAsync("anvil_mine", cancellationToken, Hex.ToQuantity((ulong)blocks));
    }

    /// <summary>Takes a snapshot of the chain and returns its id for <see cref="RevertAsync"/>.</summary>
    public async Task<string> SnapshotAsync(CancellationToken cancellationToken)
    {
        var result = await CallAsync("evm_snapshot", cancellationToken);
        return result.ValueKind == JsonValueKind.String
            ? result.GetString()!
            : result.GetRawText();
    }

    /// <summary>Returns the chain to a snapshot, dropping every block after it. False when the id is unknown.</summary>
    public async Task<bool> RevertAsync(string snapshotId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(snapshotId);
        var result = await CallAsync("evm_revert", cancellationToken, snapshotId);
        return result.ValueKind == JsonValueKind.True;
    }

    /// <summary>Moves the clock of the next block forward.</summary>
    public async Task IncreaseTimeAsync(TimeSpan by, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(by, TimeSpan.Zero);
        await CallAsync("evm_increaseTime", cancellationToken, Hex.ToQuantity((ulong)by.TotalSeconds));
    }

    private Task<JsonElement> CallAsync(string method, CancellationToken cancellationToken, params JsonNode?[] parameters) =>
        _rpc.CallAsync(new JsonRpcRequest(method, parameters, RpcRetry.NotIdempotent), cancellationToken);
}

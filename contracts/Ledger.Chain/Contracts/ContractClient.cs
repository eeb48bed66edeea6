using Ledger.Chain.Abi;
using Ledger.Chain.Deployment;
using Ledger.Chain.Rpc;
using Ledger.Chain.Sending;

namespace Ledger.Chain.Contracts;

/// <summary>
/// One deployed contract as the typed bindings use it: view functions by eth_call, writes through a
/// <see cref="TransactionSender"/>, and every revert turned into a <see cref="ContractRevertException"/>
/// decoded with the errors the contract's ABI declares.
/// </summary>
public sealed class ContractClient
{
    public ContractClient(ContractArtifact artifact, Address address, EthClient eth, TransactionSender? sender)
    {
        ArgumentNullException.ThrowIfNull(artifact);
        ArgumentNullException.ThrowIfNull(eth);
        Artifact = artifact;
        Address = address;
        Eth = eth;
        Sender = sender;
    }

    public ContractArtifact Artifact { get; }

    public Address Address { get; }

    public EthClient Eth { get; }

    /// <summary>The sender for writes; null for a read-only binding.</summary>
    public TransactionSender? Sender { get; }

    /// <summary>The same contract, written to from another key.</summary>
    public ContractClient WithSender(TransactionSender sender) => new(Artifact, Address, Eth, sender);

    /// <summary>Calls a view function at <paramref name="block"/> and decodes its outputs.</summary>
    public async Task<object?[]> CallAsync(AbiFunction function, BlockTag block, CancellationToken cancellationToken, params object?[] arguments)
    {
        ArgumentNullException.ThrowIfNull(function);
        var call = new CallRequest(Address, function.EncodeCall(arguments), Sender?.Sender);
        byte[] output;
        try
        {
            output = await Eth.CallAsync(call, block, cancellationToken);
        }
        catch (JsonRpcException exception) when (exception.RevertData is not null || exception.Code == JsonRpcException.ExecutionRevertedCode)
        {
            throw Revert(function, exception);
        }

        return function.DecodeOutput(output);
    }

    /// <summary>
    /// Signs a call of <paramref name="function"/>, hands it to <paramref name="recordAsync"/> to store,
    /// then sends it (see <see cref="TransactionSender.SendAsync(TransactionRequest, Func{PendingTransaction, CancellationToken, Task}, CancellationToken)"/>).
    /// A call that would revert is refused at the gas estimate, before anything is signed.
    /// </summary>
    public async Task<PendingTransaction> SubmitAsync(
        AbiFunction function, object?[] arguments, Func<PendingTransaction, CancellationToken, Task> recordAsync, CancellationToken cancellationToken)
    {
        var sender = RequireSender(function);
        try
        {
            return await sender.SendAsync(new TransactionRequest(Address, function.EncodeCall(arguments)), recordAsync, cancellationToken);
        }
        catch (JsonRpcException exception) when (exception.RevertData is not null || exception.Code == JsonRpcException.ExecutionRevertedCode)
        {
            throw Revert(function, exception);
        }
    }

    /// <summary>Sends a call of <paramref name="function"/> without a record, waits for the receipt, and throws if it reverted.</summary>
    public async Task<RpcReceipt> ExecuteAsync(AbiFunction function, object?[] arguments, CancellationToken cancellationToken)
    {
        var sender = RequireSender(function);
        PendingTransaction pending;
        try
        {
            pending = await sender.SendAsync(new TransactionRequest(Address, function.EncodeCall(arguments)), cancellationToken);
        }
        catch (JsonRpcException exception) when (exception.RevertData is not null || exception.Code == JsonRpcException.ExecutionRevertedCode)
        {
            throw Revert(function, exception);
        }

        return await ConfirmAsync(function, pending.Hash, cancellationToken);
    }

    /// <summary>Waits for the receipt of a sent call and throws the decoded revert if it failed.</summary>
    public async Task<RpcReceipt> ConfirmAsync(AbiFunction function, Hash32 transactionHash, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(function);
        var sender = RequireSender(function);
        var receipt = await sender.WaitForReceiptAsync(transactionHash, cancellationToken);
        if (receipt.Succeeded)
        {
            return receipt;
        }

        var (error, reason) = await RevertReplay.ReplayAsync(Eth, receipt, Artifact.Errors, cancellationToken);
        throw new ContractRevertException(Artifact.Name, function.Name, error, reason, revertData: null);
    }

    /// <summary>This contract's logs of the named event in the receipt, decoded.</summary>
    public IReadOnlyList<DecodedLog> Events(string eventName, RpcReceipt receipt)
    {
        ArgumentNullException.ThrowIfNull(receipt);
        return ContractEvents.Decode(Artifact.Event(eventName), Address, receipt.Logs);
    }

    private TransactionSender RequireSender(AbiFunction function) =>
        Sender ?? throw new InvalidOperationException($"{Artifact.Name}.{function.Name} sends a transaction; this binding is read-only.");

    private ContractRevertException Revert(AbiFunction function, JsonRpcException exception)
    {
        var decoded = exception.RevertData is { } data ? AbiErrors.TryDecode(data, Artifact.Errors) : null;
        return new ContractRevertException(Artifact.Name, function.Name, decoded, exception.RpcMessage, exception.RevertData, exception);
    }
}

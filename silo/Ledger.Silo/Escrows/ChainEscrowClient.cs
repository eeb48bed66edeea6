using System.Numerics;
using Ledger.Chain.Abi;
using Ledger.Chain.Contracts;
using Ledger.Chain.Encoding;
using Ledger.Chain.Rpc;
using Ledger.Chain.Sending;
using Ledger.Core.Escrows;
using Ledger.Core.Settlement;
using Ledger.Core.Tokens;

namespace Ledger.Silo.Escrows;

/// <summary>
/// <see cref="IEscrowChain"/> over the SettlementEscrow, stablecoin and PayoutBatcher bindings, the
/// treasury's sender (the node key: relayer, arbiter, and the payer of treasury-funded escrows) and a
/// confirmation tracker with the chain's finality depth. A treasury-funded open pulls the tokens by
/// transferFrom, so the treasury approves the escrow contract, for the maximum (our own contract; only
/// an open by the treasury itself can draw on it), once per client.
/// </summary>
public sealed class ChainEscrowClient : IEscrowChain
{
    /// <summary>eth_call reads sent in one JSON-RPC batch: well below any node's batch limit (the client's default is 100).</summary>
    private const int CallsPerRequestMax = 50;

    private static readonly BigInteger MaxUint256 = (BigInteger.One << 256) - 1;

    private readonly SettlementEscrowContract escrows;
    private readonly TestUsdContract stablecoin;
    private readonly PayoutBatcherContract batcher;
    private readonly TransactionSender sender;
    private readonly ConfirmationTracker tracker;
    private readonly IReadOnlyList<AbiError> errors;
    private readonly SemaphoreSlim approving = new(1, 1);
    private bool approved;

    public ChainEscrowClient(
        SettlementEscrowContract escrows, TestUsdContract stablecoin, PayoutBatcherContract batcher, TransactionSender sender, int confirmations, ulong firstBlock = 0)
    {
        ArgumentNullException.ThrowIfNull(escrows);
        ArgumentNullException.ThrowIfNull(stablecoin);
        ArgumentNullException.ThrowIfNull(batcher);
        ArgumentNullException.ThrowIfNull(sender);
        this.escrows = escrows.Client.Sender == sender ? escrows : escrows.WithSender(sender);
        this.stablecoin = stablecoin.Client.Sender == sender ? stablecoin : stablecoin.WithSender(sender);
        this.batcher = batcher;
        this.sender = sender;
        FirstBlock = firstBlock;

        // The token's errors too: SafeERC20 passes the token's revert (ERC20InsufficientBalance, say) up as it is.
        errors = [.. escrows.Client.Artifact.Errors, .. stablecoin.Client.Artifact.Errors];
        tracker = new ConfirmationTracker(sender.Eth, confirmations, errors);
        Token = stablecoin.Address.ToArray();
    }

    public int Confirmations => tracker.FinalityDepth;

    public byte[] Token { get; }

    public ulong FirstBlock { get; }

    /// <summary>The node key's address: arbiter, relayer, and the treasury that funds treasury escrows.</summary>
    public Address Treasury => sender.Sender;

    public Task<ulong> HeadAsync(CancellationToken cancellationToken) => sender.Eth.GetBlockNumberAsync(cancellationToken);

    public async Task<SignedAnchor> SubmitAsync(Escrow escrow, Func<SignedAnchor, CancellationToken, Task> recordAsync, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(escrow);
        ArgumentNullException.ThrowIfNull(recordAsync);
        var id = OnChainHash(escrow.Id);
        Task Record(PendingTransaction pending, CancellationToken token) => recordAsync(Signed(pending), token);
        try
        {
            var pending = EscrowTransitions.TxKindOf(escrow.Status) switch
            {
                EscrowTxKind.Open when escrow.Funding == EscrowFunding.Treasury => await OpenFromTreasuryAsync(escrow, id, Record, cancellationToken),
                EscrowTxKind.Open => await OpenWithPermitAsync(escrow, id, Record, cancellationToken),
                EscrowTxKind.Release => await escrows.SubmitReleaseAsync(id, Record, cancellationToken),
                _ => await escrows.SubmitRefundAsync(id, Record, cancellationToken),
            };
            return Signed(pending);
        }
        catch (ContractRevertException exception)
        {
            throw Refusal(escrow, exception);
        }
        catch (GasCapExceededException exception)
        {
            throw new EscrowRefusedException(exception.Message, EscrowRefusal.Other, errorName: null, exception);
        }
    }

    public async Task ResendAsync(byte[] rawTx, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(rawTx);
        await sender.Eth.SendRawTransactionAsync(rawTx, cancellationToken);
    }

    public async Task<EscrowCheck> CheckAsync(Escrow escrow, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(escrow);
        var hash = Hash32.FromBytes(escrow.TxHash ?? throw new ArgumentException($"Escrow {escrow.Id} has no transaction to check.", nameof(escrow)));
        var status = await tracker.CheckAsync(hash, cancellationToken);
        var depth = (ulong)tracker.FinalityDepth;
        switch (status.State)
        {
            case ConfirmationState.Included:
                return new EscrowCheck(EscrowCheckState.Included, status.Receipt!.BlockNumber);
            case ConfirmationState.Final:
                return new EscrowCheck(EscrowCheckState.Final, status.Receipt!.BlockNumber);
            case ConfirmationState.Failed when status.Confirmations >= depth:
                return new EscrowCheck(EscrowCheckState.Failed, Reason: status.RevertReason);
            case ConfirmationState.Failed:
                // A revert not final yet may still be undone by a reorganisation that includes the same
                // transaction elsewhere, where it could succeed.
                return new EscrowCheck(EscrowCheckState.Pending, Reason: $"reverted, {status.Confirmations} of {depth} confirmations: {status.RevertReason}");
            default:
                break;
        }

        if (escrow.Nonce is not { } nonce)
        {
            return new EscrowCheck(EscrowCheckState.Pending);
        }

        // Displaced only once another transaction took the nonce in a final block, and the receipt is
        // still missing when read after that count: only then can this one never be included.
        var head = await sender.Eth.GetBlockNumberAsync(cancellationToken);
        if (head + 1 >= depth
            && await sender.Eth.GetTransactionCountAsync(sender.Sender, BlockTag.Number(head + 1 - depth), cancellationToken) > nonce
            && await sender.Eth.GetTransactionReceiptAsync(hash, cancellationToken) is null)
        {
            return new EscrowCheck(EscrowCheckState.Displaced);
        }

        return new EscrowCheck(EscrowCheckState.Pending);
    }

    public async Task<IReadOnlyList<OnChainEscrow>> GetEscrowsAsync(IReadOnlyList<UInt128> escrowIds, ulong? block, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(escrowIds);
        var tag = block is { } number ? BlockTag.Number(number) : BlockTag.Latest;
        var outputs = await CallEachAsync(escrows.Address, SettlementEscrowContract.Escrows, escrowIds, tag, cancellationToken);
        return outputs.ConvertAll(static output => new OnChainEscrow(
            (OnChainEscrowState)(int)Integer(output[6]),
            AddressOf(output[0]),
            AddressOf(output[1]),
            AddressOf(output[2]),
            Integer(output[3]),
            (ulong)Integer(output[4]),
            AddressOf(output[5])));
    }

    public async Task<IReadOnlyList<EscrowChainEvent>> GetEventsAsync(ulong fromBlock, ulong toBlock, CancellationToken cancellationToken)
    {
        var events = await escrows.GetEventsAsync(fromBlock, toBlock, cancellationToken);
        return [.. events.Select(Convert)];
    }

    public async Task<IReadOnlyList<bool>> ArePaidAsync(IReadOnlyList<UInt128> payoutIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(payoutIds);
        var outputs = await CallEachAsync(batcher.Address, PayoutBatcherContract.IsPaid, payoutIds, BlockTag.Latest, cancellationToken);
        return outputs.ConvertAll(static output => output[0] is true);
    }

    public Task<BigInteger> TreasuryBalanceAsync(CancellationToken cancellationToken) =>
        stablecoin.BalanceOfAsync(sender.Sender, BlockTag.Latest, cancellationToken);

    private async Task<PendingTransaction> OpenFromTreasuryAsync(
        Escrow escrow, Hash32 id, Func<PendingTransaction, CancellationToken, Task> recordAsync, CancellationToken cancellationToken)
    {
        await EnsureAllowanceAsync(escrow.TokenAmount, cancellationToken);
        return await escrows.SubmitOpenAsync(
            id, Address.FromBytes(escrow.Payee), stablecoin.Address, escrow.TokenAmount, EscrowFields.DeadlineSeconds(escrow), Address.FromBytes(escrow.Arbiter), recordAsync, cancellationToken);
    }

    private Task<PendingTransaction> OpenWithPermitAsync(
        Escrow escrow, Hash32 id, Func<PendingTransaction, CancellationToken, Task> recordAsync, CancellationToken cancellationToken)
    {
        var permit = escrow.Permit ?? throw new InvalidOperationException($"Escrow {escrow.Id} is funded by a permit but has none.");
        return escrows.SubmitOpenWithPermitForAsync(
            id,
            Address.FromBytes(escrow.Payer),
            Address.FromBytes(escrow.Payee),
            stablecoin.Address,
            escrow.TokenAmount,
            EscrowFields.DeadlineSeconds(escrow),
            Address.FromBytes(escrow.Arbiter),
            permit.Deadline,
            permit.V,
            Hash32.FromBytes(permit.R),
            Hash32.FromBytes(permit.S),
            recordAsync,
            cancellationToken);
    }

    /// <summary>
    /// Approves the escrow contract for the maximum when the treasury's allowance is below
    /// <paramref name="amount"/>, and waits for the approval's receipt. A maximum allowance never
    /// decreases (OpenZeppelin's ERC-20 does not spend it), so one check per client suffices.
    /// </summary>
    private async Task EnsureAllowanceAsync(BigInteger amount, CancellationToken cancellationToken)
    {
        await approving.WaitAsync(cancellationToken);
        try
        {
            if (approved)
            {
                return;
            }

            var allowance = await stablecoin.AllowanceAsync(sender.Sender, escrows.Address, BlockTag.Latest, cancellationToken);
            if (allowance < amount)
            {
                await stablecoin.ApproveAsync(escrows.Address, MaxUint256, cancellationToken);
                allowance = MaxUint256;
            }

            approved = allowance == MaxUint256;
        }
        finally
        {
            approving.Release();
        }
    }

    /// <summary>One view call per id (its bytes32 word the only argument), batched, each answer decoded; a node error for any call throws.</summary>
    private async Task<List<object?[]>> CallEachAsync(Address contract, AbiFunction function, IReadOnlyList<UInt128> ids, BlockTag tag, CancellationToken cancellationToken)
    {
        var outputs = new List<object?[]>(ids.Count);
        for (var start = 0; start < ids.Count; start += CallsPerRequestMax)
        {
            var count = Math.Min(CallsPerRequestMax, ids.Count - start);
            var requests = new JsonRpcRequest[count];
            for (var i = 0; i < count; i++)
            {
                var call = new CallRequest(contract, function.EncodeCall(OnChainId.ToBytes32(ids[start + i])), sender.Sender);
                requests[i] = JsonRpcRequest.Read("eth_call", call.ToJson(), tag.ToJson());
            }

            foreach (var answer in await sender.Eth.Rpc.BatchAsync(requests, cancellationToken))
            {
                // Result throws the node's error for this call: an unanswered read must never pass for a zero.
                var output = Hex.FromHex(answer.Result.GetString() ?? throw new InvalidOperationException($"{function.Name} answered null."));
                outputs.Add(function.DecodeOutput(output));
            }
        }

        return outputs;
    }

    private EscrowRefusedException Refusal(Escrow escrow, ContractRevertException exception)
    {
        var error = exception.Error ?? (exception.RevertData is { } data ? AbiErrors.TryDecode(data, errors) : null);
        var name = error?.Name;
        var refusal = name switch
        {
            "SettlementEscrowIdUsed" => EscrowRefusal.IdUsed,
            "SettlementEscrowPermitFailed" or "SettlementEscrowDeadlineNotInFuture" or "SettlementEscrowZeroAddress" or "SettlementEscrowZeroAmount"
                or "SettlementEscrowAmountMismatch" => EscrowRefusal.Unopenable,

            // A treasury short of tokens waits to be funded; an outside payer short of them never will be, as far as we know.
            "ERC20InsufficientBalance" or "ERC20InsufficientAllowance" => escrow.Funding == EscrowFunding.Treasury ? EscrowRefusal.Unfunded : EscrowRefusal.Unopenable,
            "SettlementEscrowNotArbiter" or "SettlementEscrowNotRefundable" => EscrowRefusal.NotAllowed,
            "SettlementEscrowNotOpen" => EscrowRefusal.NotOpen,
            _ => EscrowRefusal.Other,
        };
        return new EscrowRefusedException($"SettlementEscrow.{exception.Function} refused: {error?.ToString() ?? exception.Message}", refusal, name, exception);
    }

    private static EscrowChainEvent Convert(EscrowEvent escrowEvent)
    {
        var log = escrowEvent.Log;
        var kind = escrowEvent.Name switch
        {
            SettlementEscrowContract.OpenedEventName => EscrowEventKind.Opened,
            SettlementEscrowContract.ReleasedEventName => EscrowEventKind.Released,
            _ => EscrowEventKind.Refunded,
        };
        return new EscrowChainEvent(
            kind,
            escrowEvent.Id.ToBytes(),
            escrowEvent.Party.ToArray(),
            escrowEvent.Token.ToArray(),
            escrowEvent.Amount,
            log.BlockNumber ?? throw new InvalidOperationException("An escrow event without its block."),
            (log.TransactionHash ?? throw new InvalidOperationException("An escrow event without its transaction.")).ToBytes(),
            log.LogIndex ?? 0)
        {
            Payee = escrowEvent.Payee?.ToArray(),
            Deadline = escrowEvent.Deadline,
            Arbiter = escrowEvent.Arbiter?.ToArray(),
        };
    }

    private static Hash32 OnChainHash(UInt128 escrowId) => Hash32.FromBytes(OnChainId.ToBytes32(escrowId));

    private static SignedAnchor Signed(PendingTransaction pending) => new(pending.Hash.ToBytes(), pending.Raw, pending.Nonce);

    private static BigInteger Integer(object? value) => value is BigInteger integer ? integer : throw new FormatException($"An integer was expected, not {value}.");

    private static byte[] AddressOf(object? value) => value is Address address ? address.ToArray() : throw new FormatException($"An address was expected, not {value}.");
}

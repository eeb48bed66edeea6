using System.Numerics;
using Ledger.Chain.Abi;
using Ledger.Chain.Contracts;
using Ledger.Chain.Encoding;
using Ledger.Chain.Rpc;
using Ledger.Chain.Sending;
using Ledger.Core.Payouts;
using Ledger.Core.Settlement;
using Ledger.Core.Tokens;
using ChainPayout = Ledger.Chain.Contracts.Payout;
using Payout = Ledger.Core.Payouts.Payout;

namespace Ledger.Silo.Payouts;

/// <summary>
/// <see cref="IPayoutChain"/> over the PayoutBatcher and stablecoin bindings, the treasury's sender and a
/// confirmation tracker with the chain's finality depth (<c>LEDGER_CONFIRMATIONS</c>). The treasury pays
/// from its own token balance: PayoutBatcher pulls each payout by transferFrom, so the treasury approves
/// it (for the maximum: it is our own contract, and only PAYER_ROLE can make it pull).
/// </summary>
public sealed class ChainPayoutClient : IPayoutChain
{
    /// <summary>
    /// Gas of one more payout in a batch, with headroom: contracts/README.md measures about 52,500 for
    /// TestUSD and a recipient new to the token; a real stablecoin (a proxy, a deny list) costs more.
    /// </summary>
    public const ulong GasPerPayout = 65_000;

    /// <summary>Gas of a pay call besides its payouts (measured about 36,500), with headroom.</summary>
    public const ulong GasPerTransaction = 50_000;

    /// <summary>isPaid calls sent in one JSON-RPC batch: well below any node's batch limit (the client's default is 100).</summary>
    private const int IsPaidCallsPerRequestMax = 50;

    private const string AlreadyPaid = "PayoutBatcherAlreadyPaid";

    private static readonly BigInteger MaxUint256 = (BigInteger.One << 256) - 1;

    private readonly PayoutBatcherContract batcher;
    private readonly TestUsdContract stablecoin;
    private readonly TransactionSender sender;
    private readonly ConfirmationTracker tracker;
    private readonly IReadOnlyList<AbiError> errors;

    public ChainPayoutClient(PayoutBatcherContract batcher, TestUsdContract stablecoin, TransactionSender sender, int confirmations)
    {
        ArgumentNullException.ThrowIfNull(batcher);
        ArgumentNullException.ThrowIfNull(stablecoin);
        ArgumentNullException.ThrowIfNull(sender);
        this.batcher = batcher.Client.Sender == sender ? batcher : new PayoutBatcherContract(batcher.Client.WithSender(sender));
        this.stablecoin = stablecoin.Client.Sender == sender ? stablecoin : stablecoin.WithSender(sender);
        this.sender = sender;

        // The token's errors too: SafeERC20 passes the token's revert (ERC20InsufficientBalance, say) up as it is.
        errors = [.. batcher.Client.Artifact.Errors, .. stablecoin.Client.Artifact.Errors];
        tracker = new ConfirmationTracker(sender.Eth, confirmations, errors);
        var fit = (sender.Options.MaxGasLimit - Math.Min(sender.Options.MaxGasLimit, GasPerTransaction)) / GasPerPayout;
        PayoutsPerTransactionMax = (int)Math.Clamp(fit, 1UL, (ulong)PayoutBatch.PayoutsMax);
    }

    public int Confirmations => tracker.FinalityDepth;

    public int PayoutsPerTransactionMax { get; }

    public Address Treasury => sender.Sender;

    public Task<BigInteger> TreasuryBalanceAsync(CancellationToken cancellationToken) =>
        stablecoin.BalanceOfAsync(sender.Sender, BlockTag.Latest, cancellationToken);

    public async Task EnsureAllowanceAsync(BigInteger total, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(total);
        var allowance = await stablecoin.AllowanceAsync(sender.Sender, batcher.Address, BlockTag.Latest, cancellationToken);
        if (allowance >= total)
        {
            return;
        }

        // ApproveAsync waits for the receipt and throws if it reverted, so the pay signed next is
        // estimated against the new allowance.
        await stablecoin.ApproveAsync(batcher.Address, MaxUint256, cancellationToken);
    }

    public async Task<SignedAnchor> SubmitAsync(
        IReadOnlyList<Payout> payouts, Func<SignedAnchor, CancellationToken, Task> recordAsync, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(payouts);
        ArgumentNullException.ThrowIfNull(recordAsync);
        if (payouts.Count is 0 || payouts.Count > PayoutBatch.PayoutsMax)
        {
            throw new ArgumentException($"A payout batch holds 1 to {PayoutBatch.PayoutsMax} payouts; this one has {payouts.Count}.", nameof(payouts));
        }

        var orders = payouts.Select(static p => new ChainPayout(OnChainHash(p.Id), Address.FromBytes(p.Destination), p.TokenAmount)).ToList();
        try
        {
            var pending = await batcher.SubmitPayAsync(stablecoin.Address, orders, (signed, token) => recordAsync(Signed(signed), token), cancellationToken);
            return Signed(pending);
        }
        catch (ContractRevertException exception)
        {
            throw Refusal(exception);
        }
        catch (GasCapExceededException exception)
        {
            throw new PayoutRefusedException(exception.Message, PayoutRefusal.GasCapExceeded, errorName: null, inner: exception);
        }
    }

    public async Task ResendAsync(byte[] rawTx, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(rawTx);
        await sender.Eth.SendRawTransactionAsync(rawTx, cancellationToken);
    }

    public async Task<PayoutCheck> CheckAsync(PayoutBatch batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var hash = Hash32.FromBytes(batch.TxHash ?? throw new ArgumentException($"Payout batch {batch.Seq} has no transaction to check.", nameof(batch)));
        var status = batch is { BlockNumber: { } number, BlockHash: { } block }
            ? await tracker.CheckAsync(hash, Hash32.FromBytes(block), number, cancellationToken)
            : await tracker.CheckAsync(hash, cancellationToken);
        switch (status.State)
        {
            case ConfirmationState.Included:
                return new PayoutCheck(PayoutCheckState.Included, Inclusion(batch, status));
            case ConfirmationState.Final:
                return new PayoutCheck(PayoutCheckState.Final, Inclusion(batch, status));
            case ConfirmationState.Reorganised:
                return new PayoutCheck(PayoutCheckState.Reorganised);
            case ConfirmationState.Failed when status.Confirmations >= (ulong)tracker.FinalityDepth:
                return new PayoutCheck(PayoutCheckState.Failed, Reason: status.RevertReason);
            case ConfirmationState.Failed:
                // The tracker reports a revert at any depth; until it is final a reorganisation may still
                // put the same transaction in another block, where it could succeed.
                return new PayoutCheck(PayoutCheckState.Pending, Reason: $"reverted, {status.Confirmations} of {tracker.FinalityDepth} confirmations: {status.RevertReason}");
            default:
                break;
        }

        return batch.Nonce is { } nonce ? await DisplacedAsync(hash, nonce, cancellationToken) : new PayoutCheck(PayoutCheckState.Pending);
    }

    public Task<bool> IsPaidAsync(UInt128 payoutId, CancellationToken cancellationToken) =>
        batcher.IsPaidAsync(OnChainHash(payoutId), BlockTag.Latest, cancellationToken);

    public async Task<IReadOnlyList<bool>> ArePaidAsync(IReadOnlyList<UInt128> payoutIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(payoutIds);
        var paid = new bool[payoutIds.Count];
        for (var start = 0; start < payoutIds.Count; start += IsPaidCallsPerRequestMax)
        {
            var count = Math.Min(IsPaidCallsPerRequestMax, payoutIds.Count - start);
            var requests = new JsonRpcRequest[count];
            for (var i = 0; i < count; i++)
            {
                var call = new CallRequest(batcher.Address, PayoutBatcherContract.IsPaid.EncodeCall(OnChainId.ToBytes32(payoutIds[start + i])), sender.Sender);
                requests[i] = JsonRpcRequest.Read("eth_call", call.ToJson(), BlockTag.Latest.ToJson());
            }

            var answers = await sender.Eth.Rpc.BatchAsync(requests, cancellationToken);
            for (var i = 0; i < count; i++)
            {
                // Result throws the node's error for this call: an unanswered isPaid must never read as false.
                var output = Hex.FromHex(answers[i].Result.GetString() ?? throw new InvalidOperationException("isPaid answered null."));
                paid[start + i] = PayoutBatcherContract.IsPaid.DecodeOutput(output)[0] is true;
            }
        }

        return paid;
    }

    /// <summary>
    /// A transaction without a receipt is displaced once another transaction took its nonce in a final
    /// block: only then can it never be included, so that failing its batch (voiding the holds) is safe. A
    /// nonce taken in a block that is not final yet may still come free in a reorganisation.
    /// </summary>
    private async Task<PayoutCheck> DisplacedAsync(Hash32 hash, ulong nonce, CancellationToken cancellationToken)
    {
        var head = await sender.Eth.GetBlockNumberAsync(cancellationToken);
        var depth = (ulong)tracker.FinalityDepth;
        if (head + 1 >= depth &&
            await sender.Eth.GetTransactionCountAsync(sender.Sender, BlockTag.Number(head + 1 - depth), cancellationToken) > nonce &&
            await sender.Eth.GetTransactionReceiptAsync(hash, cancellationToken) is null)
        {
            // The receipt is read again after the count: the transaction may have been mined in between.
            return new PayoutCheck(PayoutCheckState.Displaced);
        }

        return await sender.Eth.GetTransactionCountAsync(sender.Sender, BlockTag.Latest, cancellationToken) > nonce
            ? new PayoutCheck(PayoutCheckState.Pending, Reason: $"nonce {nonce} is taken by another transaction in a block not final yet")
            : new PayoutCheck(PayoutCheckState.Pending);
    }

    private static Hash32 OnChainHash(UInt128 payoutId) => Hash32.FromBytes(OnChainId.ToBytes32(payoutId));

    private static SignedAnchor Signed(PendingTransaction pending) => new(pending.Hash.ToBytes(), pending.Raw, pending.Nonce);

    /// <summary>The block of a succeeded pay, checked to have paid exactly the batch's payouts, in order.</summary>
    private PayoutInclusion Inclusion(PayoutBatch batch, ConfirmationStatus status)
    {
        var receipt = status.Receipt ?? throw new InvalidOperationException("An included transaction's status carries its receipt.");
        var paid = batcher.PaidEvents(receipt).Select(static e => OnChainId.FromBytes32(e.Id.ToBytes())).ToList();
        if (!paid.SequenceEqual(batch.PayoutIds.Select(static id => (UInt128?)id)))
        {
            throw new InvalidOperationException(
                $"Payout batch {batch.Seq}: transaction {receipt.TransactionHash} paid {paid.Count} ids that are not the batch's {batch.PayoutIds.Count} payouts.");
        }

        return new PayoutInclusion(receipt.TransactionHash.ToBytes(), receipt.BlockNumber, receipt.BlockHash.ToBytes(), status.Confirmations);
    }

    private PayoutRefusedException Refusal(ContractRevertException exception)
    {
        var error = exception.Error ?? (exception.RevertData is { } data ? AbiErrors.TryDecode(data, errors) : null);
        var name = error?.Name;
        var refusal = name switch
        {
            AlreadyPaid => PayoutRefusal.AlreadyPaid,
            "ERC20InsufficientBalance" or "ERC20InsufficientAllowance" => PayoutRefusal.Unfunded,
            "PayoutBatcherZeroRecipient" or "PayoutBatcherZeroAmount" or "PayoutBatcherEmptyBatch" or "PayoutBatcherBatchTooLarge" or "PayoutBatcherZeroAddress" =>
                PayoutRefusal.Invalid,
            "AccessControlUnauthorizedAccount" => PayoutRefusal.NotPayer,
            _ => PayoutRefusal.Other,
        };
        UInt128? payoutId = null;
        if (refusal is PayoutRefusal.AlreadyPaid or PayoutRefusal.Invalid && error is { Arguments: [byte[] { Length: 32 } word, ..] })
        {
            payoutId = OnChainId.FromBytes32(word);
        }

        return new PayoutRefusedException($"PayoutBatcher.pay refused: {error?.ToString() ?? exception.Message}", refusal, name, payoutId, exception);
    }
}

using Ledger.Chain.Contracts;
using Ledger.Chain.Rpc;
using Ledger.Chain.Sending;
using Ledger.Core.Settlement;

namespace Ledger.Silo.Settlement;

/// <summary>
/// <see cref="IAnchorChain"/> over the SettlementAnchor binding, its sender and a confirmation tracker
/// with the chain's finality depth (<c>LEDGER_CONFIRMATIONS</c>).
/// </summary>
public sealed class ChainAnchorClient : IAnchorChain
{
    private const string TreeSizeNotGrowing = "SettlementAnchorTreeSizeNotGrowing";

    /// <summary>The most anchors.read calls one search makes: a binary search over 2^64 sequence numbers needs 64.</summary>
    private const int SearchStepsMax = 64;

    private readonly SettlementAnchorContract anchor;
    private readonly TransactionSender sender;
    private readonly ConfirmationTracker tracker;

    public ChainAnchorClient(SettlementAnchorContract anchor, TransactionSender sender, int confirmations)
    {
        ArgumentNullException.ThrowIfNull(anchor);
        ArgumentNullException.ThrowIfNull(sender);
        this.anchor = anchor.Client.Sender == sender ? anchor : new SettlementAnchorContract(anchor.Client.WithSender(sender));
        this.sender = sender;
        tracker = new ConfirmationTracker(sender.Eth, confirmations, anchor.Client.Artifact.Errors);
    }

    public int Confirmations => tracker.FinalityDepth;

    public async Task<AnchorChainHead> GetLatestAsync(CancellationToken cancellationToken)
    {
        var head = await anchor.GetLatestAsync(BlockTag.Latest, cancellationToken);
        return new AnchorChainHead(head.Seq, head.TreeSize, head.Root.ToBytes());
    }

    public async Task<SignedAnchor> SubmitAsync(
        ulong treeSize, byte[] root, IReadOnlyList<byte[]> consistencyProof, Func<SignedAnchor, CancellationToken, Task> recordAsync, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(root);
        ArgumentNullException.ThrowIfNull(consistencyProof);
        ArgumentNullException.ThrowIfNull(recordAsync);
        try
        {
            var pending = await anchor.SubmitAnchorAsync(
                treeSize,
                Hash32.FromBytes(root),
                [.. consistencyProof.Select(static hash => Hash32.FromBytes(hash))],
                (signed, token) => recordAsync(Signed(signed), token),
                cancellationToken);
            return Signed(pending);
        }
        catch (ContractRevertException exception)
        {
            throw new AnchorRefusedException(exception.Message, exception.ErrorName == TreeSizeNotGrowing, exception);
        }
    }

    public async Task ResendAsync(byte[] rawTx, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(rawTx);
        await sender.Eth.SendRawTransactionAsync(rawTx, cancellationToken);
    }

    public async Task<AnchorCheck> CheckAsync(AnchorState anchorState, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(anchorState);
        var hash = Hash32.FromBytes(anchorState.TxHash ?? throw new ArgumentException("The anchor has no transaction to check.", nameof(anchorState)));
        var status = anchorState is { BlockNumber: { } number, BlockHash: { } block }
            ? await tracker.CheckAsync(hash, Hash32.FromBytes(block), number, cancellationToken)
            : await tracker.CheckAsync(hash, cancellationToken);
        switch (status.State)
        {
            case ConfirmationState.Included:
                return new AnchorCheck(AnchorCheckState.Included, Inclusion(status.Receipt!));
            case ConfirmationState.Final:
                return new AnchorCheck(AnchorCheckState.Final, Inclusion(status.Receipt!));
            case ConfirmationState.Reorganised:
                return new AnchorCheck(AnchorCheckState.Reorganised);
            case ConfirmationState.Failed:
                return new AnchorCheck(AnchorCheckState.Failed, Reason: status.RevertReason);
            default:
                break;
        }

        // No receipt. If the chain has mined past this nonce, another transaction took it (read the
        // receipt again after the count: it may have been mined in between).
        if (anchorState.Nonce is { } nonce &&
            await sender.Eth.GetTransactionCountAsync(sender.Sender, BlockTag.Latest, cancellationToken) > nonce &&
            await sender.Eth.GetTransactionReceiptAsync(hash, cancellationToken) is null)
        {
            return new AnchorCheck(AnchorCheckState.Displaced);
        }

        return new AnchorCheck(AnchorCheckState.Pending);
    }

    public async Task<AnchorInclusion?> FindAnchorAsync(ulong treeSize, byte[] root, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(root);
        var latest = await anchor.GetLatestAsync(BlockTag.Latest, cancellationToken);
        if (latest.TreeSize < treeSize || latest.Seq == 0)
        {
            return null;
        }

        // Tree sizes grow with the sequence number, so the seq holding this size is found by bisection.
        ulong low = 1, high = latest.Seq;
        for (var step = 0; step < SearchStepsMax && low <= high; step++)
        {
            var middle = low + ((high - low) / 2);
            var record = await anchor.GetAnchorAsync(middle, BlockTag.Latest, cancellationToken);
            if (record.TreeSize == treeSize)
            {
                return record.Root.ToBytes().AsSpan().SequenceEqual(root) ? await LocateAsync(middle, cancellationToken) : null;
            }

            if (record.TreeSize < treeSize)
            {
                low = middle + 1;
            }
            else if (middle == 1)
            {
                break;
            }
            else
            {
                high = middle - 1;
            }
        }

        return null;
    }

    /// <summary>The transaction and block of the Anchored event with this seq.</summary>
    private async Task<AnchorInclusion?> LocateAsync(ulong seq, CancellationToken cancellationToken)
    {
        var seqTopic = new byte[32];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64BigEndian(seqTopic.AsSpan(24), seq);
        var topic0 = Hash32.FromBytes(anchor.Client.Artifact.Event(SettlementAnchorContract.AnchoredEventName).Topic0);
        var logs = await sender.Eth.GetLogsAsync(
            new LogFilter(anchor.Address, BlockTag.Earliest, BlockTag.Latest, [topic0, Hash32.FromBytes(seqTopic)]), cancellationToken);
        var log = logs.LastOrDefault(static l => !l.Removed);
        if (log is not { TransactionHash: { } tx, BlockNumber: { } number, BlockHash: { } block })
        {
            return null;
        }

        return new AnchorInclusion(tx.ToBytes(), number, block.ToBytes(), seq);
    }

    private static SignedAnchor Signed(PendingTransaction pending) => new(pending.Hash.ToBytes(), pending.Raw, pending.Nonce);

    private AnchorInclusion Inclusion(RpcReceipt receipt)
    {
        var events = anchor.AnchoredEvents(receipt);
        return events.Count == 1
            ? new AnchorInclusion(receipt.TransactionHash.ToBytes(), receipt.BlockNumber, receipt.BlockHash.ToBytes(), events[0].Seq)
            : throw new InvalidOperationException($"The anchor transaction {receipt.TransactionHash} emitted {events.Count} Anchored events, not one.");
    }
}

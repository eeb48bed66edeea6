using Ledger.Chain.Rpc;
using Ledger.Core.Merkle;
using Ledger.Core.Settlement;
using Ledger.Core.Storage;
using Microsoft.Extensions.Logging;

namespace Ledger.Silo.Settlement;

/// <summary>
/// Moves anchors forward, oldest batch first, from the stored state alone, so a restart at any instant
/// resumes where it stopped. A batch is anchored only after the one before it is in a block, so heads
/// reach the contract in order with a consistency proof from the previous one.
/// </summary>
/// <remarks>
/// pending: sign the anchor, record it (submitted), then send it. submitted: send the recorded bytes
/// again (the same transaction, so never a second anchor for the head) and look for its receipt;
/// included → anchored; the finality depth deep → final; its nonce taken by another transaction or
/// reverted → signed anew and recorded, replacing it, before it is sent. anchored: a reorganisation
/// takes it back to submitted, and the same bytes are sent again. A head that the contract already
/// holds (found by its tree size and root) is recorded as anchored by the transaction that put it there.
/// </remarks>
public sealed partial class AnchorTracker(ISettlementStore settlements, MerkleLog merkle, SettlementOptions options, ILogger<AnchorTracker> logger)
{
    /// <summary>Advances the not-final anchors in order; stops at the first that is not in a block yet.</summary>
    public async Task AdvanceAsync(IAnchorChain chain, SettlementFence fence, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(chain);
        var open = await settlements.ListUnfinalSettlementsAsync(options.AnchorsPerRoundMax, cancellationToken);
        foreach (var settlement in open)
        {
            var status = await AdvanceOneAsync(chain, settlement, fence, cancellationToken);
            if (status is not (AnchorStatus.Anchored or AnchorStatus.Final))
            {
                break;
            }
        }
    }

    private async Task<AnchorStatus> AdvanceOneAsync(IAnchorChain chain, SettlementBatch settlement, SettlementFence fence, CancellationToken cancellationToken)
    {
        var anchor = settlement.Anchor;
        switch (anchor.Status)
        {
            case AnchorStatus.Pending:
                return await SubmitAsync(chain, settlement, replaced: null, fence, cancellationToken);

            case AnchorStatus.Submitted:
                await ResendAsync(chain, settlement, cancellationToken);
                var check = await chain.CheckAsync(anchor, cancellationToken);
                switch (check.State)
                {
                    case AnchorCheckState.Included or AnchorCheckState.Final:
                        return await IncludedAsync(settlement, anchor.TxHash, check, fence, cancellationToken);
                    case AnchorCheckState.Displaced or AnchorCheckState.Failed:
                        LogReplacing(logger, settlement.Seq, check.State, check.Reason);
                        return await SubmitAsync(chain, settlement, replaced: anchor.TxHash, fence, cancellationToken);
                    default:
                        return AnchorStatus.Submitted;
                }

            case AnchorStatus.Anchored:
                var standing = await chain.CheckAsync(anchor, cancellationToken);
                switch (standing.State)
                {
                    case AnchorCheckState.Included:
                        return AnchorStatus.Anchored;
                    case AnchorCheckState.Final:
                        SettlementWriteRefusedException.ThrowUnlessApplied(
                            await settlements.RecordAnchorFinalAsync(settlement.Seq, anchor.TxHash!, fence, cancellationToken), $"Settlement {settlement.Seq} final");
                        LogFinal(logger, settlement.Seq, settlement.TreeSize);
                        return AnchorStatus.Final;
                    default:
                        LogReorganised(logger, settlement.Seq, anchor.BlockNumber ?? 0);
                        SettlementWriteRefusedException.ThrowUnlessApplied(
                            await settlements.RecordAnchorReorganisedAsync(settlement.Seq, anchor.TxHash!, fence, cancellationToken), $"Settlement {settlement.Seq} reorganised");
                        await ResendAsync(chain, settlement, cancellationToken);
                        return AnchorStatus.Submitted;
                }

            default:
                return anchor.Status;
        }
    }

    private async Task<AnchorStatus> IncludedAsync(SettlementBatch settlement, byte[]? expectedTxHash, AnchorCheck check, SettlementFence fence, CancellationToken cancellationToken)
    {
        var inclusion = check.Inclusion ?? throw new InvalidOperationException("An included anchor check carries its inclusion.");
        SettlementWriteRefusedException.ThrowUnlessApplied(
            await settlements.RecordAnchorIncludedAsync(settlement.Seq, expectedTxHash, inclusion, fence, cancellationToken), $"Settlement {settlement.Seq} anchored");
        LogAnchored(logger, settlement.Seq, settlement.TreeSize, inclusion.BlockNumber, inclusion.ChainSeq);
        if (check.State != AnchorCheckState.Final)
        {
            return AnchorStatus.Anchored;
        }

        SettlementWriteRefusedException.ThrowUnlessApplied(
            await settlements.RecordAnchorFinalAsync(settlement.Seq, inclusion.TxHash, fence, cancellationToken), $"Settlement {settlement.Seq} final");
        return AnchorStatus.Final;
    }

    /// <summary>Signs, records (replacing <paramref name="replaced"/> if set) and sends the anchor of the batch, unless the contract holds its head already.</summary>
    private async Task<AnchorStatus> SubmitAsync(IAnchorChain chain, SettlementBatch settlement, byte[]? replaced, SettlementFence fence, CancellationToken cancellationToken)
    {
        if (await chain.FindAnchorAsync(settlement.TreeSize, settlement.Root, cancellationToken) is { } found)
        {
            return await IncludedAsync(settlement, replaced, new AnchorCheck(AnchorCheckState.Included, found), fence, cancellationToken);
        }

        var fromSize = await ProofStartAsync(chain, settlement, cancellationToken);
        if (fromSize is null)
        {
            return settlement.Anchor.Status;
        }

        IReadOnlyList<byte[]> proof = fromSize.Value == 0 ? [] : await merkle.GetConsistencyProofAsync(fromSize.Value, settlement.TreeSize, cancellationToken);
        var recorded = false;
        try
        {
            var signed = await chain.SubmitAsync(
                settlement.TreeSize,
                settlement.Root,
                proof,
                async (anchor, token) =>
                {
                    SettlementWriteRefusedException.ThrowUnlessApplied(
                        await settlements.RecordAnchorSubmittedAsync(settlement.Seq, replaced, anchor, fence, token), $"Settlement {settlement.Seq} submitted");
                    recorded = true;
                },
                cancellationToken);
            LogSubmitted(logger, settlement.Seq, settlement.TreeSize, Convert.ToHexString(signed.TxHash));
            return AnchorStatus.Submitted;
        }
        catch (Exception exception) when (recorded && exception is JsonRpcException or RpcTransportException)
        {
            // The transaction is recorded; only its first sending failed. The next round sends the same
            // bytes again, or replaces them if the node says their nonce is taken (a nonce handed out
            // again after a crash, for one).
            LogSendFailed(logger, settlement.Seq, exception.Message);
            return AnchorStatus.Submitted;
        }
        catch (AnchorRefusedException refused) when (refused.TreeSizeNotGrowing)
        {
            // The contract holds a head at least this large: if it is exactly this one, it is anchored.
            if (await chain.FindAnchorAsync(settlement.TreeSize, settlement.Root, cancellationToken) is { } onChain)
            {
                return await IncludedAsync(settlement, replaced, new AnchorCheck(AnchorCheckState.Included, onChain), fence, cancellationToken);
            }

            LogRefused(logger, settlement.Seq, refused);
            return settlement.Anchor.Status;
        }
        catch (AnchorRefusedException refused)
        {
            LogRefused(logger, settlement.Seq, refused);
            return settlement.Anchor.Status;
        }
    }

    /// <summary>
    /// The tree size the consistency proof starts from: the previous batch's, which must be in a block;
    /// for the first batch, the contract's latest head (0 on a fresh contract), which must be a prefix of
    /// this log. Null when the batch cannot be anchored yet (or, logged, at all).
    /// </summary>
    private async Task<ulong?> ProofStartAsync(IAnchorChain chain, SettlementBatch settlement, CancellationToken cancellationToken)
    {
        if (settlement.Seq > 1)
        {
            var previous = await settlements.GetSettlementAsync(settlement.Seq - 1, cancellationToken);
            return previous is { Anchor.IsOnChain: true } ? previous.TreeSize : null;
        }

        var head = await chain.GetLatestAsync(cancellationToken);
        if (head.TreeSize == 0)
        {
            return 0;
        }

        if (head.TreeSize < settlement.TreeSize && (await merkle.GetTreeHeadAsync(head.TreeSize, cancellationToken)).AsSpan().SequenceEqual(head.Root))
        {
            return head.TreeSize;
        }

        LogForeignHead(logger, head.ChainSeq, head.TreeSize, settlement.TreeSize);
        return null;
    }

    private async Task ResendAsync(IAnchorChain chain, SettlementBatch settlement, CancellationToken cancellationToken)
    {
        if (settlement.Anchor.RawTx is not { } raw)
        {
            return;
        }

        try
        {
            await chain.ResendAsync(raw, cancellationToken);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            // The node refused the bytes (most often: their nonce is taken). The check that follows says
            // whether the transaction is mined, still pending, or displaced.
            LogResendRefused(logger, settlement.Seq, exception.Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Settlement {Seq} (tree size {TreeSize}): anchor transaction {TxHash} recorded and sent.")]
    private static partial void LogSubmitted(ILogger logger, ulong seq, ulong treeSize, string txHash);

    [LoggerMessage(Level = LogLevel.Information, Message = "Settlement {Seq} (tree size {TreeSize}) anchored in block {Block} as anchor {ChainSeq}.")]
    private static partial void LogAnchored(ILogger logger, ulong seq, ulong treeSize, ulong block, ulong chainSeq);

    [LoggerMessage(Level = LogLevel.Information, Message = "Settlement {Seq} (tree size {TreeSize}) is final.")]
    private static partial void LogFinal(ILogger logger, ulong seq, ulong treeSize);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Settlement {Seq}: its anchor's block {Block} left the chain; the same transaction is sent again.")]
    private static partial void LogReorganised(ILogger logger, ulong seq, ulong block);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Settlement {Seq}: the anchor transaction is {State} ({Reason}); a new one is signed.")]
    private static partial void LogReplacing(ILogger logger, ulong seq, AnchorCheckState state, string? reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Settlement {Seq}: the contract refuses the anchor.")]
    private static partial void LogRefused(ILogger logger, ulong seq, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Settlement {Seq}: the recorded anchor transaction could not be sent: {Reason}.")]
    private static partial void LogSendFailed(ILogger logger, ulong seq, string reason);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Settlement {Seq}: the node refused the recorded anchor bytes: {Reason}.")]
    private static partial void LogResendRefused(ILogger logger, ulong seq, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "The anchor contract holds head {ChainSeq} of size {ChainTreeSize}, which is not a prefix of this log below {TreeSize}; nothing is anchored.")]
    private static partial void LogForeignHead(ILogger logger, ulong chainSeq, ulong chainTreeSize, ulong treeSize);
}

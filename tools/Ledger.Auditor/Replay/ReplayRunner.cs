using Ledger.Auditor.Api;
using Ledger.Auditor.Merkle;
using Ledger.Auditor.OnChain;
using Ledger.Chain.Abi;
using Ledger.Chain.Contracts;
using Ledger.Chain.Encoding;

namespace Ledger.Auditor.Replay;

/// <summary>
/// Replays the whole log: hashes every record the API serves, in order, into a running tree; at each
/// settlement compares the root at its tree size with the settlement's root and with the head the contract
/// holds for that size (read at a confirmed block); and checks every anchored head against the one before
/// with a consistency proof from the API verified against the two on-chain roots. Stops at the first divergence.
/// </summary>
internal sealed class ReplayRunner
{
    private readonly ILedgerApi _api;
    private readonly AnchorReader _chain;
    private readonly ReplayOptions _options;
    private readonly IReplayProgress _progress;
    private readonly RootAccumulator _tree = new();
    private readonly List<string> _notes = [];
    private readonly RecordStream _records;
    private ulong _settlements;
    private ulong _anchorsCompared;
    private ulong _consistencyVerified;
    private ulong _total;

    /// <summary>The last head matched on the contract, or null before the first.</summary>
    private AnchorRecord? _previousAnchor;

    /// <summary>The contract's next seq to match; its sequence numbers start at 1.</summary>
    private ulong _chainSeq = 1;
    private bool _chainExhausted;

    public ReplayRunner(ILedgerApi api, AnchorReader chain, ReplayOptions options, IReplayProgress progress)
    {
        ArgumentNullException.ThrowIfNull(api);
        ArgumentNullException.ThrowIfNull(chain);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(progress);
        options.Validate();
        _api = api;
        _chain = chain;
        _options = options;
        _progress = progress;
        _records = new RecordStream(api, options.RecordPageSize);
    }

    public async Task<ReplayReport> RunAsync(CancellationToken cancellationToken)
    {
        var info = await _api.GetChainAsync(cancellationToken);
        var served = await _chain.ChainIdAsync(cancellationToken);
        if (served != info.ChainId)
        {
            return Report(new Divergence(null, "chain id of --rpc", null, null, $"chain {info.ChainId} (GET /v1/chain)", $"chain {served}"));
        }

        var block = await _chain.ConfirmedBlockAsync(_options.Confirmations, cancellationToken);
        if (block is null)
        {
            _chainExhausted = true;
            _notes.Add($"the chain has fewer than {_options.Confirmations} blocks; no anchor was compared");
        }
        else
        {
            GrowTotal((await _chain.LatestAsync(info.AnchorContract, block, cancellationToken)).TreeSize);
        }

        var (lastSeq, lastSize, divergence) = await ReplaySettlementsAsync(info.AnchorContract, block, cancellationToken);
        return Report(divergence ?? await UnlistedAnchorAsync(info.AnchorContract, block, lastSeq, lastSize, cancellationToken));
    }

    private async Task<(ulong LastSeq, ulong LastSize, Divergence? Divergence)> ReplaySettlementsAsync(Address contract, ConfirmedBlock? block, CancellationToken cancellationToken)
    {
        ulong lastSeq = 0;
        ulong previousSize = 0;
        while (true)
        {
            var page = await _api.GetSettlementsAsync(lastSeq, _options.SettlementPageSize, cancellationToken);
            if (page.Count == 0)
            {
                return (lastSeq, previousSize, null);
            }

            foreach (var settlement in page)
            {
                var divergence = Sequence(settlement, lastSeq, previousSize)
                    ?? await RecomputeAsync(settlement, cancellationToken)
                    ?? await CompareAnchorAsync(settlement, contract, block, cancellationToken);
                if (divergence is not null)
                {
                    return (lastSeq, previousSize, divergence);
                }

                _settlements++;
                lastSeq = settlement.Seq;
                previousSize = settlement.TreeSize;
            }
        }
    }

    /// <summary>Settlements follow each other: seq up by one, each batch starting where the last ended and growing the tree.</summary>
    private static Divergence? Sequence(Settlement settlement, ulong lastSeq, ulong previousSize)
    {
        if (settlement.Seq != lastSeq + 1)
        {
            return new Divergence(settlement.Seq, "settlement sequence", null, null, $"seq {lastSeq + 1}", $"seq {settlement.Seq}");
        }

        if (settlement.FirstLogIndex != previousSize)
        {
            return new Divergence(settlement.Seq, "first_log_index", previousSize, settlement.TreeSize, $"{previousSize} (the previous tree_size)", $"{settlement.FirstLogIndex}");
        }

        return settlement.TreeSize < previousSize
            ? new Divergence(settlement.Seq, "tree_size", previousSize, settlement.TreeSize, $"at least {previousSize}", $"{settlement.TreeSize}")
            : null;
    }

    /// <summary>Hashes the settlement's records into the tree and compares the root with the settlement's.</summary>
    private async Task<Divergence?> RecomputeAsync(Settlement settlement, CancellationToken cancellationToken)
    {
        GrowTotal(settlement.TreeSize);
        var from = _tree.Size;
        while (_tree.Size < settlement.TreeSize)
        {
            var record = await _records.NextAsync(cancellationToken);
            if (record is null)
            {
                return new Divergence(settlement.Seq, "log records", from, settlement.TreeSize, $"a record at index {_tree.Size}", "the end of the log");
            }

            if (record.Index != _tree.Size)
            {
                return new Divergence(settlement.Seq, "record index", from, settlement.TreeSize, $"index {_tree.Size}", $"index {record.Index}");
            }

            _tree.AppendLeafHash(TreeHashing.Leaf(record.Record));
            if (_tree.Size % 4096 == 0)
            {
                _progress.Report(_tree.Size, settlement.Seq);
            }
        }

        _progress.Report(_tree.Size, settlement.Seq);
        var root = _tree.Root();
        return root.AsSpan().SequenceEqual(settlement.Root)
            ? null
            : new Divergence(
                settlement.Seq, "settlement root", from, settlement.TreeSize, $"{Hex.ToHex(root)} (recomputed from the records)", $"{Hex.ToHex(settlement.Root)} (the API's settlement)");
    }

    /// <summary>
    /// Matches the contract's heads to settlements by tree size, in order: the next head the contract holds
    /// (its seq counted on chain, which the node may number apart from its settlements) must end at this
    /// settlement's size, or at a later one when this settlement was not anchored on its own; a head at a size
    /// no settlement ends at is a divergence. A matched head's root must be the recomputed one, and it must be
    /// consistent with the head before. The contract running out ends the on-chain comparison.
    /// </summary>
    private async Task<Divergence?> CompareAnchorAsync(Settlement settlement, Address contract, ConfirmedBlock? block, CancellationToken cancellationToken)
    {
        if (_chainExhausted || block is null)
        {
            return null;
        }

        var held = await _chain.AnchorAsync(contract, _chainSeq, block, cancellationToken);
        if (held.TreeSize == 0)
        {
            _chainExhausted = true;
            if (settlement.IsAnchored)
            {
                _notes.Add($"settlement {settlement.Seq} is {settlement.AnchorStatus} by the API but the contract holds no anchors({_chainSeq}) at block {block.Number} ({block.Confirmations} confirmations); on-chain comparison stopped there");
            }

            return null;
        }

        var where = $"contract anchors({_chainSeq}) at block {block.Number}";
        if (held.TreeSize > settlement.TreeSize)
        {
            if (settlement.IsAnchored)
            {
                _notes.Add($"settlement {settlement.Seq} is {settlement.AnchorStatus} by the API but has no anchor of its own; the next, {where}, holds tree_size {held.TreeSize}");
            }

            return null;
        }

        var root = Hex.ToHex(settlement.Root);
        if (held.TreeSize < settlement.TreeSize)
        {
            return new Divergence(
                settlement.Seq, where, settlement.FirstLogIndex, settlement.TreeSize, $"a head at a settlement's tree size ({settlement.TreeSize} or more)", $"tree_size {held.TreeSize}, which no settlement ends at");
        }

        _anchorsCompared++;
        if (held.Root.Hex != root)
        {
            return new Divergence(
                settlement.Seq, where, settlement.FirstLogIndex, settlement.TreeSize, $"(tree_size {settlement.TreeSize}, root {root}) (recomputed)", $"(tree_size {held.TreeSize}, root {held.Root})");
        }

        var divergence = await ConsistencyAsync(settlement, held, cancellationToken);
        _previousAnchor = held;
        _chainSeq++;
        return divergence;
    }

    /// <summary>After the last settlement: a head the contract holds beyond them is history the API does not show.</summary>
    private async Task<Divergence?> UnlistedAnchorAsync(Address contract, ConfirmedBlock? block, ulong lastSeq, ulong lastSize, CancellationToken cancellationToken)
    {
        if (_chainExhausted || block is null)
        {
            return null;
        }

        var held = await _chain.AnchorAsync(contract, _chainSeq, block, cancellationToken);
        return held.TreeSize == 0
            ? null
            : new Divergence(
                null,
                $"contract anchors({_chainSeq}) at block {block.Number}",
                lastSize,
                held.TreeSize,
                $"a settlement listed by the API ending at tree_size {held.TreeSize}",
                $"settlements up to seq {lastSeq}, tree_size {lastSize}");
    }

    private async Task<Divergence?> ConsistencyAsync(Settlement settlement, AnchorRecord held, CancellationToken cancellationToken)
    {
        if (_previousAnchor is not { } previous)
        {
            return null;
        }

        var proof = await _api.GetConsistencyProofAsync(previous.TreeSize, held.TreeSize, cancellationToken);
        if (ConsistencyVerifier.Verify(previous.TreeSize, held.TreeSize, previous.Root.ToBytes(), held.Root.ToBytes(), proof, out var failure))
        {
            _consistencyVerified++;
            return null;
        }

        return new Divergence(
            settlement.Seq,
            $"consistency of anchors({_chainSeq - 1}) and anchors({_chainSeq}) on chain",
            previous.TreeSize,
            held.TreeSize,
            $"GET /v1/proofs/consistency?from={previous.TreeSize}&to={held.TreeSize} to prove {previous.Root} extends to {held.Root}",
            $"a proof of {proof.Count} hashes that fails: {failure}");
    }

    private void GrowTotal(ulong records)
    {
        if (records > _total)
        {
            _total = records;
            _progress.SetTotal(records);
        }
    }

    private ReplayReport Report(Divergence? divergence) =>
        new(_settlements, _tree.Size, _anchorsCompared, _consistencyVerified, _notes, divergence);
}

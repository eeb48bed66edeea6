using Ledger.Chain.Abi;
using Ledger.Chain.Deployment;
using Ledger.Chain.Rpc;
using Ledger.Chain.Sending;

namespace Ledger.Chain.Contracts;

/// <summary>
/// Typed binding of SettlementAnchor (docs/PROOFS.md): anchors a tree head with a consistency proof
/// from the previous one, and answers latest, anchors and verifyInclusion by eth_call.
/// </summary>
public sealed class SettlementAnchorContract
{
    public static readonly AbiFunction Anchor = AbiFunction.Parse("anchor(uint64 treeSize,bytes32 root,bytes32[] consistencyProof)");
    public static readonly AbiFunction Latest = AbiFunction.Parse("latest()", "(uint64 seq,uint64 treeSize,bytes32 root)");
    public static readonly AbiFunction Anchors = AbiFunction.Parse("anchors(uint64 seq)", "(uint64 treeSize,bytes32 root,uint64 timestamp)");
    public static readonly AbiFunction VerifyInclusion =
        AbiFunction.Parse("verifyInclusion(uint64 seq,uint64 leafIndex,bytes32 leafHash,bytes32[] auditPath)", "bool");

    public const string AnchoredEventName = "Anchored";

    public SettlementAnchorContract(Address address, EthClient eth, TransactionSender? sender)
        : this(new ContractClient(ContractArtifacts.SettlementAnchor, address, eth, sender))
    {
    }

    public SettlementAnchorContract(ContractClient client)
    {
        ArgumentNullException.ThrowIfNull(client);
        Client = client;
    }

    public ContractClient Client { get; }

    public Address Address => Client.Address;

    public async Task<AnchorHead> GetLatestAsync(BlockTag block, CancellationToken cancellationToken)
    {
        var output = await Client.CallAsync(Latest, block, cancellationToken);
        return new AnchorHead(
            AbiValue.UInt64(output[0], "latest.seq"),
            AbiValue.UInt64(output[1], "latest.treeSize"),
            AbiValue.Bytes32(output[2], "latest.root"));
    }

    public async Task<AnchorRecord> GetAnchorAsync(ulong seq, BlockTag block, CancellationToken cancellationToken)
    {
        var output = await Client.CallAsync(Anchors, block, cancellationToken, seq);
        return new AnchorRecord(
            AbiValue.UInt64(output[0], "anchors.treeSize"),
            AbiValue.Bytes32(output[1], "anchors.root"),
            AbiValue.UInt64(output[2], "anchors.timestamp"));
    }

    public async Task<bool> VerifyInclusionAsync(
        ulong seq, ulong leafIndex, Hash32 leafHash, IReadOnlyList<Hash32> auditPath, BlockTag block, CancellationToken cancellationToken)
    {
        var output = await Client.CallAsync(
            VerifyInclusion, block, cancellationToken, seq, leafIndex, leafHash.ToBytes(), AbiValue.Bytes32List(auditPath));
        return AbiValue.Bool(output[0], "verifyInclusion");
    }

    /// <summary>Signs an anchor, has the caller record it, and sends it; a head that does not extend the latest is refused here.</summary>
    public Task<PendingTransaction> SubmitAnchorAsync(
        ulong treeSize,
        Hash32 root,
        IReadOnlyList<Hash32> consistencyProof,
        Func<PendingTransaction, CancellationToken, Task> recordAsync,
        CancellationToken cancellationToken) =>
        Client.SubmitAsync(Anchor, [treeSize, root.ToBytes(), AbiValue.Bytes32List(consistencyProof)], recordAsync, cancellationToken);

    /// <summary>Anchors a tree head and waits for inclusion; returns the Anchored event it emitted.</summary>
    public async Task<AnchoredEvent> AnchorAsync(
        ulong treeSize, Hash32 root, IReadOnlyList<Hash32> consistencyProof, CancellationToken cancellationToken)
    {
        var receipt = await Client.ExecuteAsync(Anchor, [treeSize, root.ToBytes(), AbiValue.Bytes32List(consistencyProof)], cancellationToken);
        var events = AnchoredEvents(receipt);
        return events.Count == 1
            ? events[0]
            : throw new InvalidOperationException($"The anchor transaction {receipt.TransactionHash} emitted {events.Count} Anchored events, not one.");
    }

    public IReadOnlyList<AnchoredEvent> AnchoredEvents(RpcReceipt receipt) =>
        Client.Events(AnchoredEventName, receipt).Select(AnchoredEvent.From).ToList();
}

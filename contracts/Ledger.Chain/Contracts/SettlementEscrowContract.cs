using System.Numerics;
using Ledger.Chain.Abi;
using Ledger.Chain.Deployment;
using Ledger.Chain.Rpc;
using Ledger.Chain.Sending;

namespace Ledger.Chain.Contracts;

/// <summary>
/// Typed binding of SettlementEscrow: a payer locks tokens under an id for a payee; the arbiter releases
/// them to the payee or refunds them, and after the deadline anyone may refund. The relayer (RELAYER_ROLE,
/// the node's key) may open an escrow funded by an outside payer's EIP-2612 permit, with that payer on record.
/// </summary>
public sealed class SettlementEscrowContract
{
    public static readonly AbiFunction Open =
        AbiFunction.Parse("open(bytes32 id,address payee,address token,uint256 amount,uint64 deadline,address arbiter)");
    public static readonly AbiFunction OpenWithPermit = AbiFunction.Parse(
        "openWithPermit(bytes32 id,address payee,address token,uint256 amount,uint64 deadline,address arbiter,uint256 permitDeadline,uint8 v,bytes32 r,bytes32 s)");
    public static readonly AbiFunction OpenWithPermitFor = AbiFunction.Parse(
        "openWithPermitFor(bytes32 id,address payer,address payee,address token,uint256 amount,uint64 deadline,address arbiter,uint256 permitDeadline,uint8 v,bytes32 r,bytes32 s)");
    public static readonly AbiFunction Release = AbiFunction.Parse("release(bytes32 id)");
    public static readonly AbiFunction Refund = AbiFunction.Parse("refund(bytes32 id)");
    public static readonly AbiFunction Escrows = AbiFunction.Parse(
        "escrows(bytes32 id)", "(address payer,address payee,address token,uint256 amount,uint64 deadline,address arbiter,uint8 state)");

    public const string OpenedEventName = "Opened";
    public const string ReleasedEventName = "Released";
    public const string RefundedEventName = "Refunded";

    /// <summary>
    /// The widest block range one <see cref="GetEventsAsync"/> reads (both ends included). Public nodes
    /// commonly refuse eth_getLogs over more than about 10,000 blocks, and it bounds one answer's size;
    /// callers read longer stretches in steps.
    /// </summary>
    public const ulong EventBlocksPerQueryMax = 10_000;

    private static readonly string[] EventNames = [OpenedEventName, ReleasedEventName, RefundedEventName];

    public SettlementEscrowContract(Address address, EthClient eth, TransactionSender? sender)
        : this(new ContractClient(ContractArtifacts.SettlementEscrow, address, eth, sender))
    {
    }

    public SettlementEscrowContract(ContractClient client)
    {
        ArgumentNullException.ThrowIfNull(client);
        Client = client;
    }

    public ContractClient Client { get; }

    public Address Address => Client.Address;

    public SettlementEscrowContract WithSender(TransactionSender sender) => new(Client.WithSender(sender));

    /// <summary>
    /// Signs an open paid by the sender (who must have approved the escrow for the amount), has the caller
    /// record it, and sends it. An open that would revert is refused here.
    /// </summary>
    public Task<PendingTransaction> SubmitOpenAsync(
        Hash32 id,
        Address payee,
        Address token,
        BigInteger amount,
        ulong deadline,
        Address arbiter,
        Func<PendingTransaction, CancellationToken, Task> recordAsync,
        CancellationToken cancellationToken) =>
        Client.SubmitAsync(Open, [id.ToBytes(), payee, token, amount, deadline, arbiter], recordAsync, cancellationToken);

    /// <summary>
    /// Signs an open on behalf of <paramref name="payer"/>, funded by the payer's EIP-2612 permit for exactly
    /// <paramref name="amount"/> with this contract as spender (<paramref name="permitDeadline"/>, <paramref name="v"/>,
    /// <paramref name="r"/>, <paramref name="s"/>), has the caller record it, and sends it. The sender needs
    /// RELAYER_ROLE; the payer on record, who gets any refund, is <paramref name="payer"/>. An open that would
    /// revert (no role, a bad permit without the allowance, a used id) is refused here.
    /// </summary>
    public Task<PendingTransaction> SubmitOpenWithPermitForAsync(
        Hash32 id,
        Address payer,
        Address payee,
        Address token,
        BigInteger amount,
        ulong deadline,
        Address arbiter,
        BigInteger permitDeadline,
        byte v,
        Hash32 r,
        Hash32 s,
        Func<PendingTransaction, CancellationToken, Task> recordAsync,
        CancellationToken cancellationToken) =>
        Client.SubmitAsync(
            OpenWithPermitFor,
            OpenWithPermitForArguments(id, payer, payee, token, amount, deadline, arbiter, permitDeadline, v, r, s),
            recordAsync,
            cancellationToken);

    /// <summary>Signs a release, has the caller record it, and sends it. Only the escrow's arbiter may release.</summary>
    public Task<PendingTransaction> SubmitReleaseAsync(
        Hash32 id, Func<PendingTransaction, CancellationToken, Task> recordAsync, CancellationToken cancellationToken) =>
        Client.SubmitAsync(Release, [id.ToBytes()], recordAsync, cancellationToken);

    /// <summary>Signs a refund, has the caller record it, and sends it. The arbiter may refund at any time, anyone after the deadline.</summary>
    public Task<PendingTransaction> SubmitRefundAsync(
        Hash32 id, Func<PendingTransaction, CancellationToken, Task> recordAsync, CancellationToken cancellationToken) =>
        Client.SubmitAsync(Refund, [id.ToBytes()], recordAsync, cancellationToken);

    /// <summary>Opens an escrow paid by the sender, who must have approved the escrow for the amount.</summary>
    public async Task<EscrowEvent> OpenAsync(
        Hash32 id, Address payee, Address token, BigInteger amount, ulong deadline, Address arbiter, CancellationToken cancellationToken)
    {
        var receipt = await Client.ExecuteAsync(Open, [id.ToBytes(), payee, token, amount, deadline, arbiter], cancellationToken);
        return Single(OpenedEventName, receipt);
    }

    /// <summary>Opens an escrow with the payer's EIP-2612 permit for the escrow instead of a prior approve.</summary>
    public async Task<EscrowEvent> OpenWithPermitAsync(
        Hash32 id, Address payee, Address token, ulong deadline, Address arbiter, PermitSignature permit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(permit);
        var receipt = await Client.ExecuteAsync(
            OpenWithPermit,
            [id.ToBytes(), payee, token, permit.Value, deadline, arbiter, permit.Deadline, permit.V, permit.R, permit.S],
            cancellationToken);
        return Single(OpenedEventName, receipt);
    }

    /// <summary>
    /// Opens an escrow on behalf of the permit's owner, funded by that permit (amount = the permit's value), and
    /// waits for inclusion. The sender needs RELAYER_ROLE; the owner is the payer on record.
    /// </summary>
    public async Task<EscrowEvent> OpenWithPermitForAsync(
        Hash32 id, Address payee, Address token, ulong deadline, Address arbiter, PermitSignature permit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(permit);
        var receipt = await Client.ExecuteAsync(
            OpenWithPermitFor,
            OpenWithPermitForArguments(
                id, permit.Owner, payee, token, permit.Value, deadline, arbiter, permit.Deadline, permit.V, Hash32.FromBytes(permit.R), Hash32.FromBytes(permit.S)),
            cancellationToken);
        return Single(OpenedEventName, receipt);
    }

    public async Task<EscrowEvent> ReleaseAsync(Hash32 id, CancellationToken cancellationToken) =>
        Single(ReleasedEventName, await Client.ExecuteAsync(Release, [id.ToBytes()], cancellationToken));

    public async Task<EscrowEvent> RefundAsync(Hash32 id, CancellationToken cancellationToken) =>
        Single(RefundedEventName, await Client.ExecuteAsync(Refund, [id.ToBytes()], cancellationToken));

    public async Task<EscrowRecord> GetEscrowAsync(Hash32 id, BlockTag block, CancellationToken cancellationToken)
    {
        var output = await Client.CallAsync(Escrows, block, cancellationToken, id.ToBytes());
        return new EscrowRecord(
            AbiValue.AddressOf(output[0], "escrows.payer"),
            AbiValue.AddressOf(output[1], "escrows.payee"),
            AbiValue.AddressOf(output[2], "escrows.token"),
            AbiValue.Integer(output[3], "escrows.amount"),
            AbiValue.UInt64(output[4], "escrows.deadline"),
            AbiValue.AddressOf(output[5], "escrows.arbiter"),
            (EscrowState)(int)AbiValue.Integer(output[6], "escrows.state"));
    }

    /// <summary>
    /// The Opened, Released and Refunded events this contract emitted in blocks <paramref name="fromBlock"/> to
    /// <paramref name="toBlock"/> (both included), in chain order: by block, then by log index. One eth_getLogs
    /// over at most <see cref="EventBlocksPerQueryMax"/> blocks; the contract's other logs (OpenZeppelin's role
    /// events) and logs marked removed are left out. Ask only for blocks the node has (anvil refuses a range
    /// starting past its head), and only for blocks past the finality depth if a reorganisation must not
    /// change the answer.
    /// </summary>
    public async Task<IReadOnlyList<EscrowEvent>> GetEventsAsync(ulong fromBlock, ulong toBlock, CancellationToken cancellationToken)
    {
        if (toBlock < fromBlock)
        {
            throw new ArgumentOutOfRangeException(nameof(toBlock), toBlock, $"The range ends before its first block {fromBlock}.");
        }

        if (toBlock - fromBlock >= EventBlocksPerQueryMax)
        {
            throw new ArgumentOutOfRangeException(
                nameof(toBlock), toBlock, $"The range {fromBlock}..{toBlock} is wider than {EventBlocksPerQueryMax} blocks; read it in steps.");
        }

        // No topic filter: eth_getLogs matches one topic per position, and the three events differ at topic 0.
        // Everything else this contract logs is a rare role change, dropped when decoding.
        var logs = await Client.Eth.GetLogsAsync(
            new LogFilter(Address, BlockTag.Number(fromBlock), BlockTag.Number(toBlock), []), cancellationToken);
        var events = new List<(ulong Block, ulong Index, EscrowEvent Event)>();
        foreach (var name in EventNames)
        {
            foreach (var decoded in ContractEvents.Decode(Client.Artifact.Event(name), Address, logs))
            {
                var log = decoded.Log;
                if (log is not { BlockNumber: { } block, LogIndex: { } index })
                {
                    throw new RpcTransportException(
                        $"eth_getLogs returned a {name} log of {Address} without a block number or log index.", transient: false);
                }

                if (block < fromBlock || block > toBlock)
                {
                    throw new RpcTransportException(
                        $"eth_getLogs for blocks {fromBlock}..{toBlock} returned a {name} log of block {block}.", transient: false);
                }

                events.Add((block, index, EscrowEvent.From(name, decoded)));
            }
        }

        events.Sort(static (left, right) => (left.Block, left.Index).CompareTo((right.Block, right.Index)));
        return events.ConvertAll(static e => e.Event);
    }

    private static object?[] OpenWithPermitForArguments(
        Hash32 id,
        Address payer,
        Address payee,
        Address token,
        BigInteger amount,
        ulong deadline,
        Address arbiter,
        BigInteger permitDeadline,
        byte v,
        Hash32 r,
        Hash32 s) =>
        [id.ToBytes(), payer, payee, token, amount, deadline, arbiter, permitDeadline, v, r.ToBytes(), s.ToBytes()];

    private EscrowEvent Single(string eventName, RpcReceipt receipt)
    {
        var events = Client.Events(eventName, receipt);
        return events.Count == 1
            ? EscrowEvent.From(eventName, events[0])
            : throw new InvalidOperationException($"Transaction {receipt.TransactionHash} emitted {events.Count} {eventName} events, not one.");
    }
}

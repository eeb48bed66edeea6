using System.Numerics;
using Ledger.Chain.Abi;
using Ledger.Chain.Deployment;
using Ledger.Chain.Rpc;
using Ledger.Chain.Sending;

namespace Ledger.Chain.Contracts;

/// <summary>
/// Typed binding of SettlementEscrow: a payer locks tokens under an id for a payee; the arbiter releases
/// them to the payee or refunds them, and after the deadline anyone may refund.
/// </summary>
public sealed class SettlementEscrowContract
{
    public static readonly AbiFunction Open =
        AbiFunction.Parse("open(bytes32 id,address payee,address token,uint256 amount,uint64 deadline,address arbiter)");
    public static readonly AbiFunction OpenWithPermit = AbiFunction.Parse(
        "openWithPermit(bytes32 id,address payee,address token,uint256 amount,uint64 deadline,address arbiter,uint256 permitDeadline,uint8 v,bytes32 r,bytes32 s)");
    public static readonly AbiFunction Release = AbiFunction.Parse("release(bytes32 id)");
    public static readonly AbiFunction Refund = AbiFunction.Parse("refund(bytes32 id)");
    public static readonly AbiFunction Escrows = AbiFunction.Parse(
        "escrows(bytes32 id)", "(address payer,address payee,address token,uint256 amount,uint64 deadline,address arbiter,uint8 state)");

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

    /// <summary>Opens an escrow paid by the sender, who must have approved the escrow for the amount.</summary>
    public async Task<EscrowEvent> OpenAsync(
        Hash32 id, Address payee, Address token, BigInteger amount, ulong deadline, Address arbiter, CancellationToken cancellationToken)
    {
        var receipt = await Client.ExecuteAsync(Open, [id.ToBytes(), payee, token, amount, deadline, arbiter], cancellationToken);
        return Single("Opened", receipt);
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
        return Single("Opened", receipt);
    }

    public async Task<EscrowEvent> ReleaseAsync(Hash32 id, CancellationToken cancellationToken) =>
        Single("Released", await Client.ExecuteAsync(Release, [id.ToBytes()], cancellationToken));

    public async Task<EscrowEvent> RefundAsync(Hash32 id, CancellationToken cancellationToken) =>
        Single("Refunded", await Client.ExecuteAsync(Refund, [id.ToBytes()], cancellationToken));

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

    private EscrowEvent Single(string eventName, RpcReceipt receipt)
    {
        var events = Client.Events(eventName, receipt);
        return events.Count == 1
            ? EscrowEvent.From(eventName, events[0])
            : throw new InvalidOperationException($"Transaction {receipt.TransactionHash} emitted {events.Count} {eventName} events, not one.");
    }
}

using Ledger.Chain.Abi;
using Ledger.Chain.Deployment;
using Ledger.Chain.Rpc;
using Ledger.Chain.Sending;

namespace Ledger.Chain.Contracts;

/// <summary>
/// Typed binding of PayoutBatcher: pays a batch of payouts from the payer's balance (transferFrom, so the
/// payer approves the batcher first), each id at most once.
/// </summary>
public sealed class PayoutBatcherContract
{
    /// <summary>The contract's MAX_PAYOUTS_PER_BATCH; larger batches are refused here before anything is sent.</summary>
    public const int MaxPayoutsPerBatch = 256;

    public static readonly AbiFunction Pay = AbiFunction.Parse("pay(address token,(bytes32 id,address to,uint256 amount)[] payouts)");
    public static readonly AbiFunction IsPaid = AbiFunction.Parse("isPaid(bytes32 id)", "bool");

    public const string PaidEventName = "Paid";

    public PayoutBatcherContract(Address address, EthClient eth, TransactionSender? sender)
        : this(new ContractClient(ContractArtifacts.PayoutBatcher, address, eth, sender))
    {
    }

    public PayoutBatcherContract(ContractClient client)
    {
        ArgumentNullException.ThrowIfNull(client);
        Client = client;
    }

    public ContractClient Client { get; }

    public Address Address => Client.Address;

    /// <summary>Signs a batch, has the caller record it, and sends it. A batch with an id already paid is refused here.</summary>
    public Task<PendingTransaction> SubmitPayAsync(
        Address token, IReadOnlyList<Payout> payouts, Func<PendingTransaction, CancellationToken, Task> recordAsync, CancellationToken cancellationToken) =>
        Client.SubmitAsync(Pay, PayArguments(token, payouts), recordAsync, cancellationToken);

    /// <summary>Pays the batch and waits for inclusion; returns one Paid event per payout, in batch order.</summary>
    public async Task<IReadOnlyList<PaidEvent>> PayAsync(Address token, IReadOnlyList<Payout> payouts, CancellationToken cancellationToken)
    {
        var receipt = await Client.ExecuteAsync(Pay, PayArguments(token, payouts), cancellationToken);
        return PaidEvents(receipt);
    }

    public IReadOnlyList<PaidEvent> PaidEvents(RpcReceipt receipt) =>
        Client.Events(PaidEventName, receipt).Select(PaidEvent.From).ToList();

    public async Task<bool> IsPaidAsync(Hash32 id, BlockTag block, CancellationToken cancellationToken) =>
        AbiValue.Bool((await Client.CallAsync(IsPaid, block, cancellationToken, id.ToBytes()))[0], "isPaid");

    private static object?[] PayArguments(Address token, IReadOnlyList<Payout> payouts)
    {
        ArgumentNullException.ThrowIfNull(payouts);
        if (payouts.Count is 0 or > MaxPayoutsPerBatch)
        {
            throw new ArgumentException($"A payout batch holds 1 to {MaxPayoutsPerBatch} payouts; this one has {payouts.Count}.", nameof(payouts));
        }

        var tuples = payouts.Select(p => (object?)new object?[] { p.Id.ToBytes(), p.To, p.Amount }).ToArray();
        return [token, tuples];
    }
}

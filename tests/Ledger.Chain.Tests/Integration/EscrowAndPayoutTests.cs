using System.Numerics;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Ledger.Chain.Abi;
using Ledger.Chain.Contracts;
using Ledger.Chain.Deployment;
using Ledger.Chain.Local;
using Ledger.Chain.Rpc;
using Ledger.Chain.Sending;
using Ledger.Chain.Tests.Infrastructure;

namespace Ledger.Chain.Tests.Integration;

public sealed class EscrowAndPayoutTests(AnvilFixture anvil) : IClassFixture<AnvilFixture>
{
    private static Hash32 NewId() => Hash32.FromBytes(RandomNumberGenerator.GetBytes(32));

    /// <summary>Deploys, and gives the payer (dev key 1) tokens; the operator (dev key 0) is arbiter and minter.</summary>
    private async Task<(SettlementContracts Operator, SettlementContracts Payer)> SetUpAsync(BigInteger payerTokens)
    {
        var operatorSender = await anvil.SenderAsync(DevKeys.First);
        var payerSender = await anvil.SenderAsync(DevKeys.Second);
        var deployment = await ContractDeployer.DeployAsync(operatorSender, CancellationToken.None);
        var asOperator = SettlementContracts.Bind(deployment, anvil.Eth, operatorSender);
        var asPayer = SettlementContracts.Bind(deployment, anvil.Eth, payerSender);
        await asOperator.Stablecoin.MintAsync(DevKeys.Second.Address, payerTokens, CancellationToken.None);
        return (asOperator, asPayer);
    }

    private async Task<ulong> DeadlineAsync(TimeSpan after)
    {
        var latest = await anvil.Eth.GetBlockAsync(BlockTag.Latest, CancellationToken.None);
        return latest!.Timestamp + (ulong)after.TotalSeconds;
    }

    [Fact]
    public async Task An_escrow_opens_with_an_approval_and_the_arbiter_releases_it_to_the_payee()
    {
        var (op, payer) = await SetUpAsync(1_000_000);
        var payee = DevKeys.Third.Address;
        var id = NewId();
        await payer.Stablecoin.ApproveAsync(payer.Escrow.Address, 600_000, CancellationToken.None);

        var opened = await payer.Escrow.OpenAsync(
            id, payee, payer.Stablecoin.Address, 600_000, await DeadlineAsync(TimeSpan.FromHours(1)), DevKeys.First.Address, CancellationToken.None);
        var record = await op.Escrow.GetEscrowAsync(id, BlockTag.Latest, CancellationToken.None);
        var released = await op.Escrow.ReleaseAsync(id, CancellationToken.None);

        Assert.Equal(("Opened", id, DevKeys.Second.Address, new BigInteger(600_000)), (opened.Name, opened.Id, opened.Party, opened.Amount));
        Assert.Equal((EscrowState.Open, payee, DevKeys.First.Address), (record.State, record.Payee, record.Arbiter));
        Assert.Equal(("Released", payee, new BigInteger(600_000)), (released.Name, released.Party, released.Amount));
        Assert.Equal(600_000, await op.Stablecoin.BalanceOfAsync(payee, BlockTag.Latest, CancellationToken.None));
        Assert.Equal(400_000, await op.Stablecoin.BalanceOfAsync(DevKeys.Second.Address, BlockTag.Latest, CancellationToken.None));
        Assert.Equal(EscrowState.Released, (await op.Escrow.GetEscrowAsync(id, BlockTag.Latest, CancellationToken.None)).State);

        var twice = await Assert.ThrowsAsync<ContractRevertException>(() => op.Escrow.ReleaseAsync(id, CancellationToken.None));
        Assert.Equal("SettlementEscrowNotOpen", twice.ErrorName);
    }

    [Fact]
    public async Task Only_the_arbiter_releases_and_anyone_refunds_after_the_deadline()
    {
        var (op, payer) = await SetUpAsync(1_000);
        var id = NewId();
        await payer.Stablecoin.ApproveAsync(payer.Escrow.Address, 1_000, CancellationToken.None);
        var deadline = await DeadlineAsync(TimeSpan.FromMinutes(10));
        await payer.Escrow.OpenAsync(id, DevKeys.Third.Address, payer.Stablecoin.Address, 1_000, deadline, DevKeys.First.Address, CancellationToken.None);

        var notArbiter = await Assert.ThrowsAsync<ContractRevertException>(() => payer.Escrow.ReleaseAsync(id, CancellationToken.None));
        var tooEarly = await Assert.ThrowsAsync<ContractRevertException>(() => payer.Escrow.RefundAsync(id, CancellationToken.None));
        await anvil.Control.IncreaseTimeAsync(TimeSpan.FromMinutes(11), CancellationToken.None);
        await anvil.Control.MineAsync(1, CancellationToken.None);
        var refunded = await payer.Escrow.RefundAsync(id, CancellationToken.None);

        Assert.Equal("SettlementEscrowNotArbiter", notArbiter.ErrorName);
        Assert.Equal("SettlementEscrowNotRefundable", tooEarly.ErrorName);
        Assert.Equal(("Refunded", DevKeys.Second.Address, new BigInteger(1_000)), (refunded.Name, refunded.Party, refunded.Amount));
        Assert.Equal(1_000, await op.Stablecoin.BalanceOfAsync(DevKeys.Second.Address, BlockTag.Latest, CancellationToken.None));
    }

    [Fact]
    public async Task An_escrow_opens_with_a_permit_instead_of_an_approval()
    {
        var (op, payer) = await SetUpAsync(5_000);
        var id = NewId();
        var domain = await payer.Stablecoin.DomainSeparatorAsync(BlockTag.Latest, CancellationToken.None);
        var nonce = await payer.Stablecoin.NoncesAsync(DevKeys.Second.Address, BlockTag.Latest, CancellationToken.None);
        var permit = PermitSignature.Sign(DevKeys.Second, domain, payer.Escrow.Address, 5_000, nonce, await DeadlineAsync(TimeSpan.FromHours(1)));

        var opened = await payer.Escrow.OpenWithPermitAsync(
            id, DevKeys.Third.Address, payer.Stablecoin.Address, await DeadlineAsync(TimeSpan.FromHours(1)), DevKeys.First.Address, permit, CancellationToken.None);

        Assert.Equal(new BigInteger(5_000), opened.Amount);
        Assert.Equal(nonce + 1, await payer.Stablecoin.NoncesAsync(DevKeys.Second.Address, BlockTag.Latest, CancellationToken.None));
        Assert.Equal(0, await op.Stablecoin.BalanceOfAsync(DevKeys.Second.Address, BlockTag.Latest, CancellationToken.None));
        Assert.Equal(5_000, await op.Stablecoin.BalanceOfAsync(op.Escrow.Address, BlockTag.Latest, CancellationToken.None));
    }

    /// <summary>The payer (dev key 1) signs a permit for the escrow off chain; nothing else of theirs reaches the chain.</summary>
    private async Task<PermitSignature> OutsidePermitAsync(SettlementContracts contracts, BigInteger value)
    {
        var domain = await contracts.Stablecoin.DomainSeparatorAsync(BlockTag.Latest, CancellationToken.None);
        var nonce = await contracts.Stablecoin.NoncesAsync(DevKeys.Second.Address, BlockTag.Latest, CancellationToken.None);
        return PermitSignature.Sign(DevKeys.Second, domain, contracts.Escrow.Address, value, nonce, await DeadlineAsync(TimeSpan.FromHours(1)));
    }

    [Fact]
    public async Task The_relayer_opens_an_escrow_with_an_outside_payers_permit_and_a_refund_goes_back_to_that_payer()
    {
        var (op, _) = await SetUpAsync(7_000);
        var id = NewId();
        var permit = await OutsidePermitAsync(op, 7_000);
        var deadline = await DeadlineAsync(TimeSpan.FromHours(2));
        var payerTransactions = await anvil.Eth.GetTransactionCountAsync(DevKeys.Second.Address, BlockTag.Latest, CancellationToken.None);
        var recorded = new List<PendingTransaction>();

        var pending = await op.Escrow.SubmitOpenWithPermitForAsync(
            id, DevKeys.Second.Address, DevKeys.Third.Address, op.Stablecoin.Address, 7_000, deadline, DevKeys.First.Address,
            permit.Deadline, permit.V, Hash32.FromBytes(permit.R), Hash32.FromBytes(permit.S),
            (signed, _) => { recorded.Add(signed); return Task.CompletedTask; },
            CancellationToken.None);
        var receipt = await op.Escrow.Client.ConfirmAsync(SettlementEscrowContract.OpenWithPermitFor, pending.Hash, CancellationToken.None);
        var opened = Assert.Single(op.Escrow.Client.Events(SettlementEscrowContract.OpenedEventName, receipt));
        var record = await op.Escrow.GetEscrowAsync(id, BlockTag.Latest, CancellationToken.None);

        Assert.Equal(pending, Assert.Single(recorded));
        Assert.Equal(DevKeys.First.Address, pending.Sender);
        Assert.Equal(DevKeys.Second.Address, opened.Values["payer"]);
        Assert.Equal(
            new EscrowRecord(DevKeys.Second.Address, DevKeys.Third.Address, op.Stablecoin.Address, 7_000, deadline, DevKeys.First.Address, EscrowState.Open),
            record);
        Assert.Equal(0, await op.Stablecoin.BalanceOfAsync(DevKeys.Second.Address, BlockTag.Latest, CancellationToken.None));
        Assert.Equal(7_000, await op.Stablecoin.BalanceOfAsync(op.Escrow.Address, BlockTag.Latest, CancellationToken.None));
        Assert.Equal(1, await op.Stablecoin.NoncesAsync(DevKeys.Second.Address, BlockTag.Latest, CancellationToken.None));
        Assert.Equal(payerTransactions, await anvil.Eth.GetTransactionCountAsync(DevKeys.Second.Address, BlockTag.Latest, CancellationToken.None));

        // The arbiter (the node) refunds: the tokens go to the outside payer, not to the relayer that opened it.
        var refund = await op.Escrow.SubmitRefundAsync(id, (_, _) => Task.CompletedTask, CancellationToken.None);
        var refundReceipt = await op.Escrow.Client.ConfirmAsync(SettlementEscrowContract.Refund, refund.Hash, CancellationToken.None);
        var refunded = Assert.Single(op.Escrow.Client.Events(SettlementEscrowContract.RefundedEventName, refundReceipt));

        Assert.Equal((DevKeys.Second.Address, DevKeys.First.Address), (refunded.Values["payer"], refunded.Values["caller"]));
        Assert.Equal(7_000, await op.Stablecoin.BalanceOfAsync(DevKeys.Second.Address, BlockTag.Latest, CancellationToken.None));
        Assert.Equal(0, await op.Stablecoin.BalanceOfAsync(DevKeys.First.Address, BlockTag.Latest, CancellationToken.None));
    }

    [Fact]
    public async Task A_relayed_open_is_refused_to_a_sender_without_the_relayer_role_before_anything_is_recorded()
    {
        var (op, payer) = await SetUpAsync(1_000);
        var permit = await OutsidePermitAsync(op, 1_000);
        var deadline = await DeadlineAsync(TimeSpan.FromHours(1));
        var recorded = 0;

        // The payer's own key, holding no role, copies its permit into a relayed open.
        var refused = await Assert.ThrowsAsync<ContractRevertException>(() => payer.Escrow.SubmitOpenWithPermitForAsync(
            NewId(), DevKeys.Second.Address, DevKeys.Third.Address, payer.Stablecoin.Address, 1_000, deadline, DevKeys.Third.Address,
            permit.Deadline, permit.V, Hash32.FromBytes(permit.R), Hash32.FromBytes(permit.S),
            (_, _) => { recorded++; return Task.CompletedTask; },
            CancellationToken.None));

        Assert.Equal("AccessControlUnauthorizedAccount", refused.ErrorName);
        Assert.Equal(DevKeys.Second.Address, refused.Arguments[0]);
        Assert.Equal(Ledger.Chain.Crypto.Keccak256.Hash("RELAYER_ROLE"), refused.Arguments[1]);
        Assert.Equal(0, recorded);
        Assert.Equal(1_000, await op.Stablecoin.BalanceOfAsync(DevKeys.Second.Address, BlockTag.Latest, CancellationToken.None));
    }

    [Fact]
    public async Task A_relayed_open_with_a_permit_for_another_amount_is_refused_as_a_failed_permit()
    {
        var (op, _) = await SetUpAsync(1_000);
        var permit = await OutsidePermitAsync(op, 999);
        var deadline = await DeadlineAsync(TimeSpan.FromHours(1));

        var refused = await Assert.ThrowsAsync<ContractRevertException>(() => op.Escrow.OpenWithPermitForAsync(
            NewId(), DevKeys.Third.Address, op.Stablecoin.Address, deadline, DevKeys.First.Address,
            permit with { Value = 1_000 }, CancellationToken.None));

        Assert.Equal("SettlementEscrowPermitFailed", refused.ErrorName);
    }

    [Fact]
    public async Task Escrow_events_of_a_block_range_come_back_in_chain_order_with_their_fields()
    {
        var (op, payer) = await SetUpAsync(10_000);
        var first = await anvil.Eth.GetBlockNumberAsync(CancellationToken.None) + 1;
        var (relayed, approved) = (NewId(), NewId());
        var deadline = await DeadlineAsync(TimeSpan.FromHours(1));

        var opened = await op.Escrow.OpenWithPermitForAsync(
            relayed, DevKeys.Third.Address, op.Stablecoin.Address, deadline, DevKeys.First.Address, await OutsidePermitAsync(op, 4_000), CancellationToken.None);
        await payer.Stablecoin.ApproveAsync(payer.Escrow.Address, 6_000, CancellationToken.None);
        await payer.Escrow.OpenAsync(approved, DevKeys.Third.Address, payer.Stablecoin.Address, 6_000, deadline, DevKeys.First.Address, CancellationToken.None);

        // The refund and the release go into one block, refund first, so log order within a block counts.
        await anvil.Rpc.CallAsync("evm_setAutomine", CancellationToken.None, JsonValue.Create(false));
        try
        {
            await op.Escrow.SubmitRefundAsync(approved, (_, _) => Task.CompletedTask, CancellationToken.None);
            await op.Escrow.SubmitReleaseAsync(relayed, (_, _) => Task.CompletedTask, CancellationToken.None);
            await anvil.Control.MineAsync(1, CancellationToken.None);
        }
        finally
        {
            await anvil.Rpc.CallAsync("evm_setAutomine", CancellationToken.None, JsonValue.Create(true));
        }

        var last = await anvil.Eth.GetBlockNumberAsync(CancellationToken.None);
        var events = await op.Escrow.GetEventsAsync(first, last, CancellationToken.None);
        // From the first block on, the contract's role grants at deployment are in range too, and are left out.
        var fromGenesis = await op.Escrow.GetEventsAsync(0, last, CancellationToken.None);
        var allLogs = await anvil.Eth.GetLogsAsync(new LogFilter(op.Escrow.Address, BlockTag.Earliest, BlockTag.Latest, []), CancellationToken.None);
        var withoutFirst = await op.Escrow.GetEventsAsync(opened.Log.BlockNumber!.Value + 1, last, CancellationToken.None);

        Assert.Equal(
            [("Opened", relayed, DevKeys.Second.Address, 4_000), ("Opened", approved, DevKeys.Second.Address, 6_000),
             ("Refunded", approved, DevKeys.Second.Address, 6_000), ("Released", relayed, DevKeys.Third.Address, 4_000)],
            events.Select(e => (e.Name, e.Id, e.Party, (int)e.Amount)));
        Assert.All(events, e => Assert.Equal(op.Stablecoin.Address, e.Token));
        Assert.Equal<(Address?, ulong?, Address?, Address?)>(
            (DevKeys.Third.Address, deadline, DevKeys.First.Address, null), (events[0].Payee, events[0].Deadline, events[0].Arbiter, events[0].Caller));
        Assert.Equal<(Address?, ulong?, Address?, Address?)>(
            (null, null, null, DevKeys.First.Address), (events[2].Payee, events[2].Deadline, events[2].Arbiter, events[2].Caller));
        Assert.Equal<(Address?, ulong?, Address?, Address?)>(
            (DevKeys.Third.Address, null, null, null), (events[3].Payee, events[3].Deadline, events[3].Arbiter, events[3].Caller));
        Assert.Equal(events[2].Log.BlockNumber, events[3].Log.BlockNumber);
        Assert.True(events[2].Log.LogIndex < events[3].Log.LogIndex);
        Assert.Equal(events.Select(Position), fromGenesis.Select(Position));
        Assert.Equal(events.Count + 2, allLogs.Count);
        Assert.Equal(events.Skip(1).Select(Position), withoutFirst.Select(Position));
        await anvil.Control.MineAsync(1, CancellationToken.None);
        Assert.Empty(await op.Escrow.GetEventsAsync(last + 1, last + 1, CancellationToken.None));
    }

    private static (Hash32?, ulong?) Position(EscrowEvent escrowEvent) => (escrowEvent.Log.TransactionHash, escrowEvent.Log.LogIndex);

    [Fact]
    public async Task Reading_escrow_events_over_a_reversed_or_too_wide_range_is_refused()
    {
        var escrow = new SettlementEscrowContract(DevKeys.First.Address, anvil.Eth, sender: null);

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => escrow.GetEventsAsync(10, 9, CancellationToken.None));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(
            () => escrow.GetEventsAsync(0, SettlementEscrowContract.EventBlocksPerQueryMax, CancellationToken.None));
        Assert.Empty(await escrow.GetEventsAsync(0, SettlementEscrowContract.EventBlocksPerQueryMax - 1, CancellationToken.None));
    }

    [Fact]
    public async Task A_payout_batch_pays_each_recipient_once_and_a_repeated_id_is_refused()
    {
        var (op, _) = await SetUpAsync(0);
        await op.Stablecoin.MintAsync(DevKeys.First.Address, 10_000, CancellationToken.None);
        await op.Stablecoin.ApproveAsync(op.Payouts.Address, 10_000, CancellationToken.None);
        var batch = new[]
        {
            new Payout(NewId(), DevKeys.Second.Address, 1_000),
            new Payout(NewId(), DevKeys.Third.Address, 2_000),
            new Payout(NewId(), DevKeys.Third.Address, 3_000),
        };

        var paid = await op.Payouts.PayAsync(op.Stablecoin.Address, batch, CancellationToken.None);

        Assert.Equal(batch.Select(p => (p.Id, p.To, p.Amount)), paid.Select(e => (e.Id, e.To, e.Amount)));
        Assert.All(paid, e => Assert.Equal((op.Stablecoin.Address, DevKeys.First.Address), (e.Token, e.Payer)));
        Assert.Equal(1_000, await op.Stablecoin.BalanceOfAsync(DevKeys.Second.Address, BlockTag.Latest, CancellationToken.None));
        Assert.Equal(5_000, await op.Stablecoin.BalanceOfAsync(DevKeys.Third.Address, BlockTag.Latest, CancellationToken.None));
        Assert.True(await op.Payouts.IsPaidAsync(batch[1].Id, BlockTag.Latest, CancellationToken.None));

        var again = new[] { new Payout(NewId(), DevKeys.Second.Address, 1), batch[2] };
        var refused = await Assert.ThrowsAsync<ContractRevertException>(() => op.Payouts.PayAsync(op.Stablecoin.Address, again, CancellationToken.None));
        Assert.Equal("PayoutBatcherAlreadyPaid", refused.ErrorName);
        Assert.Equal(batch[2].Id.ToBytes(), refused.Arguments[0]);
        Assert.False(await op.Payouts.IsPaidAsync(again[0].Id, BlockTag.Latest, CancellationToken.None));
    }

    [Fact]
    public async Task A_batch_above_the_contract_limit_is_refused_before_signing()
    {
        var payouts = new PayoutBatcherContract(DevKeys.First.Address, anvil.Eth, sender: null);
        var tooMany = Enumerable.Range(0, PayoutBatcherContract.MaxPayoutsPerBatch + 1)
            .Select(_ => new Payout(NewId(), DevKeys.Second.Address, 1)).ToList();

        await Assert.ThrowsAsync<ArgumentException>(() => payouts.PayAsync(DevKeys.Third.Address, tooMany, CancellationToken.None));
        await Assert.ThrowsAsync<ArgumentException>(() => payouts.PayAsync(DevKeys.Third.Address, [], CancellationToken.None));
    }
}

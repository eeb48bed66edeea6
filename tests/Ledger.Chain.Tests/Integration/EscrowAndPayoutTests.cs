using System.Numerics;
using System.Security.Cryptography;
using Ledger.Chain.Contracts;
using Ledger.Chain.Deployment;
using Ledger.Chain.Local;
using Ledger.Chain.Rpc;
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

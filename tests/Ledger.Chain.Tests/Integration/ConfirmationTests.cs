using Ledger.Chain.Contracts;
using Ledger.Chain.Deployment;
using Ledger.Chain.Local;
using Ledger.Chain.Rpc;
using Ledger.Chain.Sending;
using Ledger.Chain.Tests.Infrastructure;

namespace Ledger.Chain.Tests.Integration;

public sealed class ConfirmationTests(AnvilFixture anvil) : IClassFixture<AnvilFixture>
{
    private static TransactionRequest Ping() => new(DevKeys.Third.Address, []) { Value = 1 };

    [Fact]
    public async Task Confirmations_grow_as_blocks_are_mined_until_final()
    {
        var sender = await anvil.SenderAsync(DevKeys.First);
        var tracker = new ConfirmationTracker(anvil.Eth, finalityDepth: 3, []);
        var receipt = await sender.SendAndWaitAsync(Ping(), CancellationToken.None);

        var included = await tracker.CheckAsync(receipt.TransactionHash, receipt.BlockHash, receipt.BlockNumber, CancellationToken.None);
        await anvil.Control.MineAsync(1, CancellationToken.None);
        var deeper = await tracker.CheckAsync(receipt.TransactionHash, receipt.BlockHash, receipt.BlockNumber, CancellationToken.None);
        await anvil.Control.MineAsync(1, CancellationToken.None);
        var final = await tracker.CheckAsync(receipt.TransactionHash, CancellationToken.None);

        Assert.Equal((ConfirmationState.Included, 1UL), (included.State, included.Confirmations));
        Assert.Equal((ConfirmationState.Included, 2UL), (deeper.State, deeper.Confirmations));
        Assert.Equal((ConfirmationState.Final, 3UL), (final.State, final.Confirmations));
    }

    [Fact]
    public async Task A_transaction_not_yet_mined_is_pending()
    {
        var tracker = new ConfirmationTracker(anvil.Eth, finalityDepth: 2, []);
        var unknown = Hash32.FromBytes(new byte[32]);

        Assert.Equal(ConfirmationState.Pending, (await tracker.CheckAsync(unknown, CancellationToken.None)).State);
    }

    [Fact]
    public async Task A_reorganisation_that_drops_the_block_and_one_that_moves_the_transaction_are_both_seen()
    {
        var sender = await anvil.SenderAsync(DevKeys.Second);
        var tracker = new ConfirmationTracker(anvil.Eth, finalityDepth: 2, []);
        var snapshot = await anvil.Control.SnapshotAsync(CancellationToken.None);
        var pending = await sender.SendAsync(Ping(), CancellationToken.None);
        var receipt = await sender.WaitForReceiptAsync(pending.Hash, CancellationToken.None);

        // The chain goes back to before the transaction and grows two other blocks in its place.
        Assert.True(await anvil.Control.RevertAsync(snapshot, CancellationToken.None));
        await anvil.Control.MineAsync(2, CancellationToken.None);
        var dropped = await tracker.CheckAsync(pending.Hash, receipt.BlockHash, receipt.BlockNumber, CancellationToken.None);

        // The same signed transaction, sent again, lands in a later block with another hash.
        await sender.ResendAsync(pending, CancellationToken.None);
        var moved = await sender.WaitForReceiptAsync(pending.Hash, CancellationToken.None);
        var seenFromTheOldBlock = await tracker.CheckAsync(pending.Hash, receipt.BlockHash, receipt.BlockNumber, CancellationToken.None);
        var seenFromTheNewBlock = await tracker.CheckAsync(pending.Hash, moved.BlockHash, moved.BlockNumber, CancellationToken.None);

        Assert.Equal(ConfirmationState.Reorganised, dropped.State);
        Assert.Null(dropped.Receipt);
        Assert.NotEqual(receipt.BlockHash, moved.BlockHash);
        Assert.Equal(ConfirmationState.Reorganised, seenFromTheOldBlock.State);
        Assert.Equal(ConfirmationState.Included, seenFromTheNewBlock.State);
    }

    [Fact]
    public async Task A_mined_revert_is_reported_failed_with_the_decoded_reason()
    {
        var sender = await anvil.SenderAsync(DevKeys.First);
        var deployment = await ContractDeployer.DeployAsync(sender, CancellationToken.None);
        var tracker = new ConfirmationTracker(anvil.Eth, finalityDepth: 2, ContractArtifacts.SettlementEscrow.Errors);
        var unknownId = new byte[32];
        unknownId[31] = 7;

        // A fixed gas limit skips the estimate, which would refuse the call, so the revert is mined.
        var request = new TransactionRequest(deployment.Escrow, SettlementEscrowContract.Release.EncodeCall(unknownId)) { GasLimit = 100_000 };
        var receipt = await sender.SendAndWaitAsync(request, CancellationToken.None);
        var status = await tracker.CheckAsync(receipt.TransactionHash, CancellationToken.None);

        Assert.False(receipt.Succeeded);
        Assert.Equal(ConfirmationState.Failed, status.State);
        Assert.StartsWith("SettlementEscrowNotOpen(0x", status.RevertReason, StringComparison.Ordinal);
    }
}

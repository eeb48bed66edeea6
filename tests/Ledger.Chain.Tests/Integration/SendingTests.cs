using Ledger.Chain.Deployment;
using Ledger.Chain.Local;
using Ledger.Chain.Rpc;
using Ledger.Chain.Sending;
using Ledger.Chain.Tests.Infrastructure;

namespace Ledger.Chain.Tests.Integration;

public sealed class SendingTests(AnvilFixture anvil) : IClassFixture<AnvilFixture>
{
    private static TransactionRequest Ping(Ledger.Chain.Abi.Address to) => new(to, []) { Value = 1 };

    [Fact]
    public async Task The_nonce_manager_continues_from_its_file_after_a_restart()
    {
        var key = DevKeys.Second;
        var path = anvil.NewFile("nonces.json");
        var chainStart = await anvil.Eth.GetTransactionCountAsync(key.Address, BlockTag.Pending, CancellationToken.None);

        using (var first = await NonceManager.OpenAsync(path, key.Address, anvil.Eth, CancellationToken.None))
        {
            var sender = new TransactionSender(anvil.Eth, key, first, 31337, AnvilFixture.FastOptions);
            await sender.SendAndWaitAsync(Ping(DevKeys.Third.Address), CancellationToken.None);
            await sender.SendAndWaitAsync(Ping(DevKeys.Third.Address), CancellationToken.None);
            Assert.Equal(chainStart + 2, first.NextNonce);
        }

        using var second = await NonceManager.OpenAsync(path, key.Address, anvil.Eth, CancellationToken.None);
        Assert.Equal(chainStart + 2, second.NextNonce);
        using (var lease = await second.AcquireAsync(CancellationToken.None))
        {
            Assert.Equal(chainStart + 2, lease.Nonce);

            // Not consumed: the nonce goes back for the next caller.
        }

        Assert.Equal(chainStart + 2, second.NextNonce);
        await Assert.ThrowsAsync<InvalidDataException>(() => NonceManager.OpenAsync(path, DevKeys.Third.Address, anvil.Eth, CancellationToken.None));
    }

    [Fact]
    public async Task A_transaction_recorded_before_a_crash_is_resent_with_the_same_hash_and_included_once()
    {
        var key = DevKeys.Third;
        var path = anvil.NewFile("nonces.json");
        var recorded = new List<PendingTransaction>();
        var chainStart = await anvil.Eth.GetTransactionCountAsync(key.Address, BlockTag.Pending, CancellationToken.None);

        // The "crash": the record is written, the nonce is used up, and the process dies before the send.
        // Cancelling inside the record callback stops the sender at exactly that point.
        using (var crashing = new CancellationTokenSource())
        using (var before = await NonceManager.OpenAsync(path, key.Address, anvil.Eth, CancellationToken.None))
        {
            var sender = new TransactionSender(anvil.Eth, key, before, 31337, AnvilFixture.FastOptions);
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => sender.SendAsync(Ping(DevKeys.First.Address), async (tx, _) =>
            {
                recorded.Add(tx);
                await crashing.CancelAsync();
            }, crashing.Token));
        }

        var lost = Assert.Single(recorded);
        Assert.Null(await anvil.Eth.GetTransactionByHashAsync(lost.Hash, CancellationToken.None));

        // After the restart the file, not the chain, knows the nonce is taken.
        using var after = await NonceManager.OpenAsync(path, key.Address, anvil.Eth, CancellationToken.None);
        Assert.Equal(chainStart + 1, after.NextNonce);
        var restarted = new TransactionSender(anvil.Eth, key, after, 31337, AnvilFixture.FastOptions);
        Assert.Equal(lost.Hash, await restarted.ResendAsync(lost, CancellationToken.None));
        var receipt = await restarted.WaitForReceiptAsync(lost.Hash, CancellationToken.None);

        // Sending the same bytes again, now that they are mined, is still the same transaction.
        Assert.Equal(lost.Hash, await restarted.ResendAsync(lost, CancellationToken.None));
        var next = await restarted.SendAndWaitAsync(Ping(DevKeys.First.Address), CancellationToken.None);

        Assert.True(receipt.Succeeded);
        Assert.Equal(chainStart + 2, await anvil.Eth.GetTransactionCountAsync(key.Address, BlockTag.Latest, CancellationToken.None));
        Assert.True(next.BlockNumber > receipt.BlockNumber);
    }

    [Fact]
    public async Task An_estimate_above_the_gas_cap_is_refused_before_signing()
    {
        var sender = await anvil.SenderAsync(DevKeys.First, AnvilFixture.FastOptions with { MaxGasLimit = 100_000 });
        var nonceBefore = await anvil.Eth.GetTransactionCountAsync(DevKeys.First.Address, BlockTag.Pending, CancellationToken.None);

        var refused = await Assert.ThrowsAsync<GasCapExceededException>(() =>
            sender.SendAsync(new TransactionRequest(null, ContractArtifacts.TestUsd.DeploymentData(DevKeys.First.Address)), CancellationToken.None));

        Assert.Equal(100_000UL, refused.Cap);
        Assert.True(refused.Estimate > 100_000UL);
        Assert.Equal(nonceBefore, await anvil.Eth.GetTransactionCountAsync(DevKeys.First.Address, BlockTag.Pending, CancellationToken.None));
        await sender.SendAndWaitAsync(Ping(DevKeys.Second.Address), CancellationToken.None);
    }

    [Fact]
    public async Task Gas_is_the_estimate_plus_the_margin_and_fees_cover_twice_the_base_fee()
    {
        var sender = await anvil.SenderAsync(DevKeys.First);
        var request = Ping(DevKeys.Second.Address);

        var pending = await sender.SendAsync(request, CancellationToken.None);
        var sent = await anvil.Eth.GetTransactionByHashAsync(pending.Hash, CancellationToken.None);

        Assert.Equal(21_000UL * 120 / 100, sent!.Gas);
        Assert.Equal(pending.GasLimit, sent.Gas);
    }
}

using Ledger.Chain.Contracts;
using Ledger.Chain.Deployment;
using Ledger.Chain.Local;
using Ledger.Chain.Rpc;
using Ledger.Chain.Tests.Infrastructure;

namespace Ledger.Chain.Tests.Integration;

public sealed class AnchorTests(AnvilFixture anvil) : IClassFixture<AnvilFixture>
{
    private async Task<SettlementAnchorContract> DeployAnchorAsync()
    {
        var sender = await anvil.SenderAsync(DevKeys.First);
        var deployment = await ContractDeployer.DeployAsync(sender, CancellationToken.None);
        return new SettlementAnchorContract(deployment.Anchor, anvil.Eth, sender);
    }

    [Fact]
    public async Task A_first_head_and_an_extension_with_a_consistency_proof_are_anchored_and_read_back()
    {
        var anchor = await DeployAnchorAsync();
        var records = MerkleReference.Records(7, seed: 1);
        var firstRoot = MerkleReference.Root(records[..3]);
        var secondRoot = MerkleReference.Root(records);

        var before = await anchor.GetLatestAsync(BlockTag.Latest, CancellationToken.None);
        var first = await anchor.AnchorAsync(3, firstRoot, [], CancellationToken.None);
        var proof = MerkleReference.ConsistencyProof(3, records);
        var second = await anchor.AnchorAsync(7, secondRoot, proof, CancellationToken.None);

        Assert.Equal(0UL, before.Seq);
        Assert.Equal((1UL, 3UL, firstRoot), (first.Seq, first.TreeSize, first.Root));
        Assert.Equal((2UL, 7UL, secondRoot), (second.Seq, second.TreeSize, second.Root));
        Assert.Equal(new AnchorHead(2, 7, secondRoot), await anchor.GetLatestAsync(BlockTag.Latest, CancellationToken.None));
        var stored = await anchor.GetAnchorAsync(1, BlockTag.Latest, CancellationToken.None);
        Assert.Equal((3UL, firstRoot), (stored.TreeSize, stored.Root));
        var block = await anvil.Eth.GetBlockAsync(BlockTag.Number(first.Log.BlockNumber!.Value), CancellationToken.None);
        Assert.Equal(block!.Timestamp, stored.Timestamp);
    }

    [Fact]
    public async Task Inclusion_verifies_for_the_right_leaf_and_not_for_a_flipped_byte()
    {
        var anchor = await DeployAnchorAsync();
        var records = MerkleReference.Records(6, seed: 2);
        await anchor.AnchorAsync(6, MerkleReference.Root(records), [], CancellationToken.None);

        for (var index = 0; index < records.Count; index++)
        {
            var path = MerkleReference.InclusionProof(index, records);
            var leaf = MerkleReference.LeafHash(records[index]);
            Assert.True(await anchor.VerifyInclusionAsync(1, (ulong)index, leaf, path, BlockTag.Latest, CancellationToken.None));
        }

        var tampered = records[4].ToArray();
        tampered[100] ^= 0x01;
        var tamperedLeaf = MerkleReference.LeafHash(tampered);
        Assert.False(await anchor.VerifyInclusionAsync(
            1, 4, tamperedLeaf, MerkleReference.InclusionProof(4, records), BlockTag.Latest, CancellationToken.None));
    }

    [Fact]
    public async Task A_head_that_does_not_extend_the_latest_is_refused_with_the_decoded_error()
    {
        var anchor = await DeployAnchorAsync();
        var records = MerkleReference.Records(5, seed: 3);
        await anchor.AnchorAsync(3, MerkleReference.Root(records[..3]), [], CancellationToken.None);

        // Another history of five records that shares no prefix with the anchored one.
        var forged = MerkleReference.Records(5, seed: 4);
        var inconsistent = await Assert.ThrowsAsync<ContractRevertException>(() => anchor.AnchorAsync(
            5, MerkleReference.Root(forged), MerkleReference.ConsistencyProof(3, forged), CancellationToken.None));
        Assert.Equal("SettlementAnchorInconsistent", inconsistent.ErrorName);
        Assert.Equal([System.Numerics.BigInteger.One, new System.Numerics.BigInteger(3), new System.Numerics.BigInteger(5)], inconsistent.Arguments);

        var shrinking = await Assert.ThrowsAsync<ContractRevertException>(() => anchor.AnchorAsync(
            2, MerkleReference.Root(records[..2]), [], CancellationToken.None));
        Assert.Equal("SettlementAnchorTreeSizeNotGrowing", shrinking.ErrorName);

        Assert.Equal(1UL, (await anchor.GetLatestAsync(BlockTag.Latest, CancellationToken.None)).Seq);
    }

    [Fact]
    public async Task A_key_without_the_anchoring_role_is_refused()
    {
        var anchor = await DeployAnchorAsync();
        var outsider = await anvil.SenderAsync(DevKeys.Second);
        var asOutsider = new SettlementAnchorContract(anchor.Client.WithSender(outsider));

        var failure = await Assert.ThrowsAsync<ContractRevertException>(() => asOutsider.AnchorAsync(
            1, MerkleReference.Root(MerkleReference.Records(1, seed: 5)), [], CancellationToken.None));

        Assert.Equal("AccessControlUnauthorizedAccount", failure.ErrorName);
        Assert.Equal(DevKeys.Second.Address, failure.Arguments[0]);
    }

    [Fact]
    public async Task An_anchor_recorded_before_it_is_sent_is_found_by_its_logs()
    {
        var anchor = await DeployAnchorAsync();
        var records = MerkleReference.Records(4, seed: 6);
        var recorded = new List<Sending.PendingTransaction>();

        var pending = await anchor.SubmitAnchorAsync(4, MerkleReference.Root(records), [], (tx, _) =>
        {
            recorded.Add(tx);
            return Task.CompletedTask;
        }, CancellationToken.None);
        var receipt = await anchor.Client.ConfirmAsync(SettlementAnchorContract.Anchor, pending.Hash, CancellationToken.None);

        Assert.Equal(pending, Assert.Single(recorded));
        var anchored = Assert.Single(anchor.AnchoredEvents(receipt));
        Assert.Equal(4UL, anchored.TreeSize);
        var logs = await anvil.Eth.GetLogsAsync(
            new LogFilter(
                anchor.Address,
                BlockTag.Earliest,
                BlockTag.Latest,
                [Hash32.FromBytes(ContractArtifacts.SettlementAnchor.Event("Anchored").Topic0)]),
            CancellationToken.None);
        Assert.Equal(receipt.TransactionHash, Assert.Single(logs).TransactionHash);
    }
}

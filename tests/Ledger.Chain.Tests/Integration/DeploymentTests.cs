using Ledger.Chain.Abi;
using Ledger.Chain.Deployment;
using Ledger.Chain.Local;
using Ledger.Chain.Tests.Infrastructure;

namespace Ledger.Chain.Tests.Integration;

public sealed class DeploymentTests(AnvilFixture anvil) : IClassFixture<AnvilFixture>
{
    [Fact]
    public async Task The_four_contracts_deploy_with_the_sending_key_in_every_role()
    {
        var sender = await anvil.SenderAsync(DevKeys.First);

        var deployment = await ContractDeployer.DeployAsync(sender, CancellationToken.None);

        Assert.Equal(31337UL, deployment.ChainId);
        Assert.Equal(4, new[] { deployment.Anchor, deployment.Escrow, deployment.Payouts, deployment.Stablecoin }.Distinct().Count());
        var anchorRole = Ledger.Chain.Crypto.Keccak256.Hash("ANCHOR_ROLE");
        var hasRole = AbiFunction.Parse("hasRole(bytes32,address)", "bool");
        var call = new Ledger.Chain.Rpc.CallRequest(deployment.Anchor, hasRole.EncodeCall(anchorRole, sender.Sender));
        var output = hasRole.DecodeOutput(await anvil.Eth.CallAsync(call, Ledger.Chain.Rpc.BlockTag.Latest, CancellationToken.None));
        Assert.Equal(true, output[0]);
        foreach (var role in new[] { new byte[32], Ledger.Chain.Crypto.Keccak256.Hash("RELAYER_ROLE") })
        {
            var escrowRole = new Ledger.Chain.Rpc.CallRequest(deployment.Escrow, hasRole.EncodeCall(role, sender.Sender));
            Assert.Equal(true, hasRole.DecodeOutput(await anvil.Eth.CallAsync(escrowRole, Ledger.Chain.Rpc.BlockTag.Latest, CancellationToken.None))[0]);
        }

        var runtime = await anvil.Eth.GetCodeAsync(deployment.Escrow, Ledger.Chain.Rpc.BlockTag.Latest, CancellationToken.None);
        Assert.Equal(ContractArtifacts.SettlementEscrow.DeployedBytecode, runtime);
    }

    [Fact]
    public async Task A_deployment_round_trips_through_its_file_and_is_checked_against_the_chain()
    {
        var sender = await anvil.SenderAsync(DevKeys.First);
        var path = anvil.NewFile("deployment.json");

        var first = await ContractDeployer.LoadOrDeployAsync(path, sender, CancellationToken.None);
        var second = await ContractDeployer.LoadOrDeployAsync(path, sender, CancellationToken.None);

        Assert.Equal(first, second);
        Assert.Equal(first, ContractDeployment.FromJson(first.ToJson()));
        Assert.Contains("\"chain_id\": 31337", await File.ReadAllTextAsync(path), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Loading_a_deployment_with_no_code_at_an_address_is_refused()
    {
        var sender = await anvil.SenderAsync(DevKeys.First);
        var deployment = await ContractDeployer.DeployAsync(sender, CancellationToken.None);
        var path = anvil.NewFile("stale.json");
        await (deployment with { Payouts = DevKeys.Third.Address }).SaveAsync(path, CancellationToken.None);

        var failure = await Assert.ThrowsAsync<InvalidDataException>(() => ContractDeployment.LoadAsync(path, anvil.Eth, CancellationToken.None));

        Assert.Contains("payouts", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Loading_a_deployment_for_another_chain_is_refused()
    {
        var sender = await anvil.SenderAsync(DevKeys.First);
        var deployment = await ContractDeployer.DeployAsync(sender, CancellationToken.None);
        var path = anvil.NewFile("other-chain.json");
        await (deployment with { ChainId = 1 }).SaveAsync(path, CancellationToken.None);

        var failure = await Assert.ThrowsAsync<InvalidDataException>(() => ContractDeployment.LoadAsync(path, anvil.Eth, CancellationToken.None));

        Assert.Contains("chain 1", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Deployment_json_missing_a_member_is_refused_by_name()
    {
        var failure = Assert.Throws<InvalidDataException>(() => ContractDeployment.FromJson("{\"chain_id\": 31337}"));
        Assert.Contains("anchor", failure.Message, StringComparison.Ordinal);
    }
}

using System.Net;
using System.Numerics;
using System.Text.Json;
using Ledger.Api.Chain;
using Ledger.Chain.Abi;
using Ledger.Chain.Rpc;
using Microsoft.Extensions.DependencyInjection;

namespace Ledger.Api.Tests.Infrastructure;

/// <summary>
/// One embedded node with its local anvil (block time 1 s, 2 confirmations) and the contracts deployed,
/// shared by the tests of a class: payouts and escrows end to end. Escrow deadlines may be 3 s ahead, so
/// a refund after the deadline can be tested without waiting a minute.
/// </summary>
public sealed class ChainNodeFixture : IAsyncLifetime
{
    public static readonly TimeSpan EscrowDeadlineLead = TimeSpan.FromSeconds(3);

    /// <summary>How long a payout or escrow may take to become final on the local chain before a test fails.</summary>
    public static readonly TimeSpan FinalWithin = TimeSpan.FromSeconds(90);

    private TestNode? node;

    public TestNode Node => node ?? throw new InvalidOperationException("The node has not started.");

    public Scenario Scenario => new(Node);

    public ChainSession Session => Node.Services.GetRequiredService<ChainConnection>().Session
        ?? throw new InvalidOperationException("The node has no chain session.");

    public async Task InitializeAsync() => node = await TestNode.StartAsync(configure: static options =>
    {
        options.StartLocalChain = true;
        options.EscrowDeadlineLeadMin = EscrowDeadlineLead;
    });

    public async Task DisposeAsync()
    {
        if (node is not null)
        {
            await node.DisposeAsync();
        }
    }

    /// <summary>A fresh address nobody holds a key to: its token balance starts at zero.</summary>
    public static string NewAddress() => Address.FromBytes(System.Security.Cryptography.RandomNumberGenerator.GetBytes(20)).ToString();

    public async Task<BigInteger> TokenBalanceAsync(string address) =>
        await Session.Contracts.Stablecoin.BalanceOfAsync(Address.Parse(address), BlockTag.Latest, CancellationToken.None);

    /// <summary>
    /// A participant (a merchant unless <paramref name="role"/> says otherwise; KYC verified) with a USDC
    /// account (merchant_payable unless <paramref name="code"/> says otherwise; debits_must_not_exceed_credits)
    /// funded with <paramref name="funds"/> from an operator account.
    /// </summary>
    public async Task<(string Id, string Key, string Account)> FundedMerchantAsync(string funds, string role = "merchant", string code = "merchant_payable")
    {
        var scenario = Scenario;
        var (id, key) = await scenario.CreateParticipantAsync(role);
        using var op = Node.AsOperator();
        var account = await scenario.OpenAccountAsync(op, id, "USDC", code, "debits_must_not_exceed_credits");
        if (funds != "0")
        {
            var funding = await scenario.OpenFundingAccountAsync("USDC");
            await scenario.TransferAsync(op, funding, account, funds, "USDC");
        }

        return (id, key, account);
    }

    /// <summary>Polls <paramref name="path"/> as the operator until its <c>status</c> is one of <paramref name="statuses"/>; fails after <see cref="FinalWithin"/>.</summary>
    public async Task<JsonElement> WaitForStatusAsync(string path, params string[] statuses)
    {
        using var op = Node.AsOperator();
        var deadline = DateTime.UtcNow + FinalWithin;
        ApiResponse last;
        do
        {
            last = await op.GetAsync(path);
            Assert.True(last.Status == HttpStatusCode.OK, last.ToString());
            if (statuses.Contains(last.Json.GetProperty("status").GetString()))
            {
                return last.Json;
            }

            await Task.Delay(250);
        }
        while (DateTime.UtcNow < deadline);
        Assert.Fail($"{path} did not reach {string.Join(" or ", statuses)} within {FinalWithin.TotalSeconds} s; last: {last}");
        return default;
    }
}

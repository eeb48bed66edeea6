using System.Net;
using System.Numerics;
using Ledger.Api.Tests.Infrastructure;
using Ledger.Chain.Abi;
using Ledger.Chain.Rpc;
using Ledger.Core.Codec;
using Ledger.Core.Tokens;

namespace Ledger.Api.Tests;

/// <summary>
/// Payouts end to end on the embedded node's local anvil: the request holds the amount, the silo leader
/// pays it with PayoutBatcher, and the destination's token balance is the proof.
/// </summary>
[Collection(LocalChainCollection.Name)]
public sealed class PayoutTests(ChainNodeFixture fixture) : IClassFixture<ChainNodeFixture>
{
    [Fact]
    public async Task A_payout_arrives_as_the_token_balance_of_its_destination_and_the_same_id_pays_once()
    {
        var (_, key, account) = await fixture.FundedMerchantAsync("5000000");
        using var merchant = fixture.Node.As(key);
        var destination = ChainNodeFixture.NewAddress();
        var id = Scenario.NewId();
        var body = new { id, account_id = account, amount = "1250000", currency = "USDC", rail = "erc20", destination };

        // The same request four times at once: recorded and held once, the others answered with it.
        var answers = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => merchant.PostAsync("/v1/payouts", body)));
        Assert.All(answers, a => Assert.True(a.Status is HttpStatusCode.Accepted or HttpStatusCode.OK, a.ToString()));
        Assert.Single(answers, a => a.Status == HttpStatusCode.Accepted);
        var created = answers.Single(a => a.Status == HttpStatusCode.Accepted).Json;
        Assert.Equal(id, created.GetProperty("id").GetString());
        Assert.Contains(created.GetProperty("status").GetString(), new[] { "pending", "submitted" });
        Assert.Equal("1250000", created.GetProperty("token_amount").GetString());
        Assert.Equal(destination, created.GetProperty("destination").GetString());

        var confirmed = await fixture.WaitForStatusAsync($"/v1/payouts/{id}", "confirmed", "failed");
        Assert.True(confirmed.GetProperty("status").GetString() == "confirmed", confirmed.ToString());
        Assert.Matches("^0x[0-9a-f]{64}$", confirmed.GetProperty("tx_hash").GetString());
        Assert.True(confirmed.GetProperty("confirmations").GetUInt64() >= 2, confirmed.ToString());
        Assert.True(confirmed.GetProperty("block_number").GetUInt64() > 0);

        Assert.Equal(new BigInteger(1_250_000), await fixture.TokenBalanceAsync(destination));
        var onChainId = Hash32.FromBytes(OnChainId.ToBytes32(Uuid.Parse(id)));
        Assert.True(await fixture.Session.Contracts.Payouts.IsPaidAsync(onChainId, BlockTag.Latest, CancellationToken.None));
        Assert.Equal(("0", "1250000", "0", "5000000"), await fixture.Scenario.BalancesAsync(account));

        // Sent again once paid: the stored payout, nothing held or paid again.
        var again = await merchant.PostAsync("/v1/payouts", body);
        Assert.True(again.Status == HttpStatusCode.OK, again.ToString());
        Assert.Equal("confirmed", again.Json.GetProperty("status").GetString());
        await Task.Delay(TimeSpan.FromSeconds(3));
        Assert.Equal(new BigInteger(1_250_000), await fixture.TokenBalanceAsync(destination));
        Assert.Equal(("0", "1250000", "0", "5000000"), await fixture.Scenario.BalancesAsync(account));

        // /metrics counts the request and the confirmed payout by label.
        using var anonymous = fixture.Node.Anonymous();
        var metrics = (await anonymous.GetAsync("/metrics")).Text;
        Assert.Matches(@"(?m)^ledger_payout_requests_total\{outcome=""created""\} [1-9][0-9]*$", metrics);
        Assert.Matches(@"(?m)^ledger_payout_requests_total\{outcome=""replay""\} [1-9][0-9]*$", metrics);
        Assert.Matches(@"(?m)^ledger_payouts_total\{state=""confirmed""\} [1-9][0-9]*$", metrics);
        Assert.Matches(@"(?m)^ledger_payout_batches_total\{state=""final""\} [1-9][0-9]*$", metrics);
    }

    [Fact]
    public async Task A_payout_larger_than_the_balance_is_refused_and_moves_nothing()
    {
        var (_, key, account) = await fixture.FundedMerchantAsync("1000000");
        using var merchant = fixture.Node.As(key);
        var destination = ChainNodeFixture.NewAddress();
        var id = Scenario.NewId();
        var body = new { id, account_id = account, amount = "1000001", currency = "USDC", rail = "erc20", destination };

        var refused = await merchant.PostAsync("/v1/payouts", body);
        Assert.True(refused.Status == HttpStatusCode.UnprocessableEntity, refused.ToString());
        Assert.Equal("insufficient_funds", refused.ProblemCode());

        var stored = await merchant.GetAsync($"/v1/payouts/{id}");
        Assert.Equal("failed", stored.Json.GetProperty("status").GetString());
        Assert.Equal("exceeds_credits", stored.Json.GetProperty("failure_reason").GetString());

        // The same id again answers the same refusal: the id is spent.
        Assert.Equal("insufficient_funds", (await merchant.PostAsync("/v1/payouts", body)).ProblemCode());

        // A few batch rounds later nothing has moved, in the ledger or on chain.
        await Task.Delay(TimeSpan.FromSeconds(4));
        Assert.Equal(("0", "0", "0", "1000000"), await fixture.Scenario.BalancesAsync(account));
        Assert.Equal(new BigInteger(0), await fixture.TokenBalanceAsync(destination));
        var onChainId = Hash32.FromBytes(OnChainId.ToBytes32(Uuid.Parse(id)));
        Assert.False(await fixture.Session.Contracts.Payouts.IsPaidAsync(onChainId, BlockTag.Latest, CancellationToken.None));
    }

    [Fact]
    public async Task Bad_payout_requests_get_named_problems_and_change_nothing()
    {
        var (_, key, account) = await fixture.FundedMerchantAsync("3000000");
        using var merchant = fixture.Node.As(key);
        using var op = fixture.Node.AsOperator();
        var good = ChainNodeFixture.NewAddress();
        var info = fixture.Session.Info;
        var denied = ChainNodeFixture.NewAddress();
        var deny = await op.SendAsync(HttpMethod.Put, $"/v1/payouts/deny-list/{denied}", """{"reason":"test sanctions entry"}""");
        Assert.True(deny.Status == HttpStatusCode.OK, deny.ToString());

        object Body(string? id = null, string? accountId = null, string amount = "100", string currency = "USDC", string rail = "erc20", string? destination = null) =>
            new { id = id ?? Scenario.NewId(), account_id = accountId ?? account, amount, currency, rail, destination = destination ?? good };

        async Task Expect(ApiClient client, object body, HttpStatusCode status, string code)
        {
            var answer = await client.PostAsync("/v1/payouts", body);
            Assert.True(answer.Status == status && answer.IsProblem, answer.ToString());
            Assert.Equal(code, answer.ProblemCode());
        }

        await Expect(merchant, Body(destination: good.ToLowerInvariant()), HttpStatusCode.BadRequest, "destination_not_checksummed");
        await Expect(merchant, Body(destination: "0x1234"), HttpStatusCode.BadRequest, "invalid_destination");
        await Expect(merchant, Body(destination: Address.Zero.ToString()), HttpStatusCode.BadRequest, "invalid_destination");
        await Expect(merchant, Body(destination: Address.Parse(info.Contracts.Stablecoin).ToString()), HttpStatusCode.BadRequest, "invalid_destination");
        await Expect(merchant, Body(destination: Address.Parse(info.Contracts.Payouts).ToString()), HttpStatusCode.BadRequest, "invalid_destination");
        await Expect(merchant, Body(destination: Address.Parse(info.Treasury).ToString()), HttpStatusCode.BadRequest, "invalid_destination");
        await Expect(merchant, Body(destination: denied), HttpStatusCode.UnprocessableEntity, "destination_denied");
        await Expect(merchant, Body(rail: "bitcoin"), HttpStatusCode.UnprocessableEntity, "rail_not_supported");
        await Expect(merchant, Body(rail: "swift"), HttpStatusCode.BadRequest, "invalid_rail");
        await Expect(merchant, Body(amount: "0"), HttpStatusCode.BadRequest, "invalid_amount");
        await Expect(merchant, Body(amount: "1.5"), HttpStatusCode.BadRequest, "invalid_amount");
        await Expect(merchant, Body(currency: "XYZ"), HttpStatusCode.BadRequest, "invalid_currency");
        await Expect(merchant, Body(currency: "USD"), HttpStatusCode.UnprocessableEntity, "currency_not_supported");
        await Expect(merchant, Body(id: "not-a-uuid"), HttpStatusCode.BadRequest, "invalid_id");
        await Expect(merchant, Body(accountId: Scenario.NewId()), HttpStatusCode.UnprocessableEntity, "account_not_found");
        await Expect(merchant, "{\"id\":", HttpStatusCode.BadRequest, "invalid_body");

        // An account that is not merchant_payable, and another merchant's account.
        var (otherId, otherKey, otherAccount) = await fixture.FundedMerchantAsync("1000", code: "settlement");
        await Expect(op, Body(accountId: otherAccount), HttpStatusCode.UnprocessableEntity, "account_not_payable");
        await Expect(merchant, Body(accountId: otherAccount), HttpStatusCode.Forbidden, "forbidden");

        // The same id with a different amount.
        var id = Scenario.NewId();
        var first = await merchant.PostAsync("/v1/payouts", Body(id: id, amount: "100"));
        Assert.True(first.Status == HttpStatusCode.Accepted, first.ToString());
        await Expect(merchant, Body(id: id, amount: "101"), HttpStatusCode.Conflict, "payout_exists");

        // Roles and KYC.
        var (_, auditorKey) = await fixture.Scenario.CreateParticipantAsync("auditor");
        using var auditor = fixture.Node.As(auditorKey);
        await Expect(auditor, Body(), HttpStatusCode.Forbidden, "forbidden");
        var (pendingId, pendingKey) = await fixture.Scenario.CreateParticipantAsync("merchant", "pending");
        using var pending = fixture.Node.As(pendingKey);
        var pendingAccount = await fixture.Scenario.OpenAccountAsync(op, pendingId, "USDC", "merchant_payable", "debits_must_not_exceed_credits");
        await Expect(pending, Body(accountId: pendingAccount), HttpStatusCode.Forbidden, "kyc_pending");
        await Expect(op, Body(accountId: pendingAccount), HttpStatusCode.Forbidden, "kyc_pending");

        // Only the one good request held anything; nothing else moved.
        var held = await fixture.WaitForStatusAsync($"/v1/payouts/{id}", "confirmed", "failed");
        Assert.Equal("confirmed", held.GetProperty("status").GetString());
        Assert.Equal(("0", "100", "0", "3000000"), await fixture.Scenario.BalancesAsync(account));
        Assert.Equal(("0", "0", "0", "1000"), await fixture.Scenario.BalancesAsync(otherAccount));
        Assert.Equal(new BigInteger(0), await fixture.TokenBalanceAsync(denied));
        _ = otherId;
        _ = otherKey;
    }

    [Fact]
    public async Task A_merchant_sees_its_own_payouts_and_the_operator_and_auditors_see_all()
    {
        var (_, keyA, accountA) = await fixture.FundedMerchantAsync("1000");
        var (_, keyB, accountB) = await fixture.FundedMerchantAsync("1000");
        using var a = fixture.Node.As(keyA);
        using var b = fixture.Node.As(keyB);
        var idA = Scenario.NewId();
        var idB = Scenario.NewId();
        Assert.Equal(HttpStatusCode.Accepted, (await a.PostAsync("/v1/payouts", new { id = idA, account_id = accountA, amount = "10", currency = "USDC", rail = "erc20", destination = ChainNodeFixture.NewAddress() })).Status);
        Assert.Equal(HttpStatusCode.Accepted, (await b.PostAsync("/v1/payouts", new { id = idB, account_id = accountB, amount = "20", currency = "USDC", rail = "erc20", destination = ChainNodeFixture.NewAddress() })).Status);

        Assert.Equal(HttpStatusCode.NotFound, (await b.GetAsync($"/v1/payouts/{idA}")).Status);
        Assert.Equal(HttpStatusCode.OK, (await a.GetAsync($"/v1/payouts/{idA}")).Status);
        var listA = (await a.GetAsync("/v1/payouts")).Json.GetProperty("payouts").EnumerateArray().Select(p => p.GetProperty("id").GetString()).ToList();
        Assert.Equal([idA], listA);

        var (_, auditorKey) = await fixture.Scenario.CreateParticipantAsync("auditor");
        using var auditor = fixture.Node.As(auditorKey);
        var all = (await auditor.GetAsync("/v1/payouts?limit=1000")).Json.GetProperty("payouts").EnumerateArray().Select(p => p.GetProperty("id").GetString()).ToList();
        Assert.Contains(idA, all);
        Assert.Contains(idB, all);
        Assert.Equal(HttpStatusCode.OK, (await auditor.GetAsync($"/v1/payouts/{idB}")).Status);
        Assert.Equal("invalid_limit", (await auditor.GetAsync("/v1/payouts?limit=0")).ProblemCode());
    }
}

using System.Net;
using System.Numerics;
using System.Text.Json;
using Ledger.Api.Tests.Infrastructure;
using Ledger.Chain.Abi;
using Ledger.Chain.Contracts;
using Ledger.Chain.Crypto;
using Ledger.Chain.Rpc;
using Ledger.Core.Codec;
using Ledger.Core.Tokens;

namespace Ledger.Api.Tests;

/// <summary>
/// Escrows end to end on the embedded node's local anvil: opened from the treasury for a bank or by an
/// outside payer's permit, released or refunded, with the chain (SettlementEscrow, token balances), the
/// ledger (the mirror) and the reconciliation report agreeing at the end.
/// </summary>
[Collection(LocalChainCollection.Name)]
public sealed class EscrowTests(ChainNodeFixture fixture) : IClassFixture<ChainNodeFixture>
{
    [Fact]
    public async Task A_treasury_funded_escrow_is_opened_released_to_its_payee_and_the_mirror_posted()
    {
        var (_, key, account) = await fixture.FundedMerchantAsync("5000000", role: "bank", code: "settlement");
        using var bank = fixture.Node.As(key);
        var payee = ChainNodeFixture.NewAddress();
        var id = Scenario.NewId();
        var body = new { id, funding = "treasury", account_id = account, amount = "2000000", currency = "USDC", deadline = Deadline(TimeSpan.FromHours(1)), payee };

        var created = await bank.PostAsync("/v1/escrows", body);
        Assert.True(created.Status == HttpStatusCode.Accepted, created.ToString());
        Assert.Equal("opening", created.Json.GetProperty("status").GetString());
        Assert.Equal(fixture.Session.Info.Treasury, created.Json.GetProperty("payer").GetString());
        Assert.Equal(fixture.Session.Info.Treasury, created.Json.GetProperty("arbiter").GetString());
        Assert.Equal(("2000000", "0", "0", "5000000"), await fixture.Scenario.BalancesAsync(account));
        var again = await bank.PostAsync("/v1/escrows", body);
        Assert.True(again.Status == HttpStatusCode.OK, again.ToString());

        await fixture.WaitForStatusAsync($"/v1/escrows/{id}", "open");
        var onChain = await OnChainAsync(id);
        Assert.Equal(EscrowState.Open, onChain.State);
        Assert.Equal(new BigInteger(2_000_000), onChain.Amount);
        Assert.Equal(payee, onChain.Payee.ToString());

        var release = await bank.PostAsync("/v1/escrows/" + id + "/release", "{}");
        Assert.True(release.Status == HttpStatusCode.Accepted, release.ToString());
        var released = await fixture.WaitForStatusAsync($"/v1/escrows/{id}", "released", "open");
        Assert.True(released.GetProperty("status").GetString() == "released", released.ToString());
        Assert.Matches("^0x[0-9a-f]{64}$", released.GetProperty("closed_tx_hash").GetString());

        Assert.Equal(new BigInteger(2_000_000), await fixture.TokenBalanceAsync(payee));
        Assert.Equal(EscrowState.Released, (await OnChainAsync(id)).State);
        Assert.Equal(("0", "2000000", "0", "5000000"), await fixture.Scenario.BalancesAsync(account));
        await AssertReconciledAsync(released.GetProperty("closed_block").GetUInt64());
        using var anonymous = fixture.Node.Anonymous();
        var metrics = (await anonymous.GetAsync("/metrics")).Text;
        Assert.Matches(@"(?m)^ledger_escrows_total\{state=""released""\} [1-9][0-9]*$", metrics);
        Assert.Matches(@"(?m)^ledger_reconciliation_runs_total [1-9][0-9]*$", metrics);
    }

    [Fact]
    public async Task A_treasury_funded_escrow_is_refunded_after_its_deadline_and_the_funds_are_back()
    {
        var (_, key, account) = await fixture.FundedMerchantAsync("1000000", role: "bank", code: "settlement");
        using var bank = fixture.Node.As(key);
        var payee = ChainNodeFixture.NewAddress();
        var id = Scenario.NewId();
        var deadline = DateTimeOffset.UtcNow + TimeSpan.FromSeconds(8);
        var created = await bank.PostAsync("/v1/escrows", new { id, funding = "treasury", account_id = account, amount = "750000", currency = "USDC", deadline = deadline.ToString("yyyy-MM-ddTHH:mm:ssZ"), payee });
        Assert.True(created.Status == HttpStatusCode.Accepted, created.ToString());
        await fixture.WaitForStatusAsync($"/v1/escrows/{id}", "open");

        var wait = deadline - DateTimeOffset.UtcNow + TimeSpan.FromSeconds(1);
        if (wait > TimeSpan.Zero)
        {
            Assert.Equal("deadline_not_passed", (await bank.PostAsync($"/v1/escrows/{id}/refund", "{}")).ProblemCode());
            await Task.Delay(wait);
        }

        var refund = await bank.PostAsync($"/v1/escrows/{id}/refund", "{}");
        Assert.True(refund.Status == HttpStatusCode.Accepted, refund.ToString());
        var refunded = await fixture.WaitForStatusAsync($"/v1/escrows/{id}", "refunded", "open");
        Assert.True(refunded.GetProperty("status").GetString() == "refunded", refunded.ToString());

        Assert.Equal(BigInteger.Zero, await fixture.TokenBalanceAsync(payee));
        Assert.Equal(EscrowState.Refunded, (await OnChainAsync(id)).State);
        Assert.Equal(("0", "0", "0", "1000000"), await fixture.Scenario.BalancesAsync(account));
        Assert.Equal("escrow_not_open", (await bank.PostAsync($"/v1/escrows/{id}/release", "{}")).ProblemCode());
        await AssertReconciledAsync(refunded.GetProperty("closed_block").GetUInt64());
    }

    [Fact]
    public async Task A_permit_funded_escrow_takes_the_payers_tokens_and_its_release_credits_the_merchant()
    {
        var (_, key, account) = await fixture.FundedMerchantAsync("0");
        using var merchant = fixture.Node.As(key);
        using var op = fixture.Node.AsOperator();
        var session = fixture.Session;
        var payer = EthKey.Generate();
        await session.Contracts.Stablecoin.MintAsync(payer.Address, 3_000_000, CancellationToken.None);

        var amount = new BigInteger(1_500_000);
        var permitDeadline = DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeSeconds();
        var domain = await session.Contracts.Stablecoin.DomainSeparatorAsync(BlockTag.Latest, CancellationToken.None);
        var nonce = await session.Contracts.Stablecoin.NoncesAsync(payer.Address, BlockTag.Latest, CancellationToken.None);
        var permit = PermitSignature.Sign(payer, domain, session.Contracts.Escrow.Address, amount, nonce, permitDeadline);
        var id = Scenario.NewId();
        var created = await merchant.PostAsync("/v1/escrows", new
        {
            id,
            funding = "permit",
            account_id = account,
            amount = "1500000",
            currency = "USDC",
            deadline = Deadline(TimeSpan.FromHours(1)),
            permit = new { payer = payer.Address.ToString(), deadline = permitDeadline, v = permit.V, r = Hex(permit.R), s = Hex(permit.S) },
        });
        Assert.True(created.Status == HttpStatusCode.Accepted, created.ToString());
        Assert.Equal(session.Info.Treasury, created.Json.GetProperty("payee").GetString());
        Assert.Equal(("0", "0", "1500000", "0"), await fixture.Scenario.BalancesAsync(account));

        await fixture.WaitForStatusAsync($"/v1/escrows/{id}", "open");
        Assert.Equal(new BigInteger(1_500_000), await fixture.TokenBalanceAsync(payer.Address.ToString()));

        // The merchant is paid by the release: only the arbiter (the operator) may release it.
        Assert.Equal("forbidden", (await merchant.PostAsync($"/v1/escrows/{id}/release", "{}")).ProblemCode());
        var treasuryBefore = await fixture.TokenBalanceAsync(session.Info.Treasury);
        var release = await op.PostAsync($"/v1/escrows/{id}/release", "{}");
        Assert.True(release.Status == HttpStatusCode.Accepted, release.ToString());
        var released = await fixture.WaitForStatusAsync($"/v1/escrows/{id}", "released", "open");
        Assert.True(released.GetProperty("status").GetString() == "released", released.ToString());

        Assert.Equal(treasuryBefore + amount, await fixture.TokenBalanceAsync(session.Info.Treasury));
        Assert.Equal(("0", "0", "0", "1500000"), await fixture.Scenario.BalancesAsync(account));
        await AssertReconciledAsync(released.GetProperty("closed_block").GetUInt64());
    }

    [Fact]
    public async Task Bad_escrow_requests_get_named_problems_and_change_nothing()
    {
        var (bankId, key, account) = await fixture.FundedMerchantAsync("1000000", role: "bank", code: "settlement");
        using var bank = fixture.Node.As(key);
        var info = fixture.Session.Info;
        var payee = ChainNodeFixture.NewAddress();
        var permit = new { payer = ChainNodeFixture.NewAddress(), deadline = DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeSeconds(), v = 27, r = "0x" + new string('1', 64), s = "0x" + new string('2', 64) };

        Dictionary<string, object?> Body(params (string Name, object? Value)[] changes)
        {
            var body = new Dictionary<string, object?>
            {
                ["id"] = Scenario.NewId(),
                ["funding"] = "treasury",
                ["account_id"] = account,
                ["amount"] = "1000",
                ["currency"] = "USDC",
                ["deadline"] = Deadline(TimeSpan.FromHours(1)),
                ["payee"] = payee,
            };
            foreach (var (name, value) in changes)
            {
                if (value is null)
                {
                    body.Remove(name);
                }
                else
                {
                    body[name] = value;
                }
            }

            return body;
        }

        async Task Expect(ApiClient client, object body, HttpStatusCode status, string code)
        {
            var answer = await client.PostAsync("/v1/escrows", JsonSerializer.Serialize(body));
            Assert.True(answer.Status == status && answer.IsProblem, answer.ToString());
            Assert.Equal(code, answer.ProblemCode());
        }

        await Expect(bank, Body(("funding", "cash")), HttpStatusCode.BadRequest, "invalid_funding");
        await Expect(bank, Body(("payee", null)), HttpStatusCode.BadRequest, "invalid_payee");
        await Expect(bank, Body(("payee", payee.ToLowerInvariant())), HttpStatusCode.BadRequest, "payee_not_checksummed");
        await Expect(bank, Body(("payee", Address.Parse(info.Contracts.Escrow).ToString())), HttpStatusCode.BadRequest, "invalid_payee");
        await Expect(bank, Body(("permit", permit)), HttpStatusCode.BadRequest, "permit_not_expected");
        await Expect(bank, Body(("funding", "permit"), ("payee", null)), HttpStatusCode.BadRequest, "permit_required");
        await Expect(bank, Body(("funding", "permit"), ("permit", permit)), HttpStatusCode.BadRequest, "payee_not_expected");
        await Expect(bank, Body(("funding", "permit"), ("payee", null), ("permit", permit with { v = 5 })), HttpStatusCode.BadRequest, "invalid_permit");
        await Expect(bank, Body(("funding", "permit"), ("payee", null), ("permit", permit with { deadline = 1L })), HttpStatusCode.BadRequest, "invalid_permit");
        await Expect(bank, Body(("deadline", "tomorrow")), HttpStatusCode.BadRequest, "invalid_deadline");
        await Expect(bank, Body(("deadline", "2030-01-01T00:00:00")), HttpStatusCode.BadRequest, "invalid_deadline");
        await Expect(bank, Body(("deadline", Deadline(TimeSpan.FromSeconds(1)))), HttpStatusCode.BadRequest, "deadline_too_soon");
        await Expect(bank, Body(("deadline", Deadline(TimeSpan.FromDays(400)))), HttpStatusCode.BadRequest, "deadline_too_far");
        await Expect(bank, Body(("currency", "EUR")), HttpStatusCode.UnprocessableEntity, "currency_not_supported");
        await Expect(bank, Body(("amount", "0")), HttpStatusCode.BadRequest, "invalid_amount");
        await Expect(bank, Body(("account_id", Scenario.NewId())), HttpStatusCode.UnprocessableEntity, "account_not_found");

        // A merchant cannot lock a bank's kind of funds from the treasury; an auditor cannot open one at all.
        var (_, merchantKey) = await fixture.Scenario.CreateParticipantAsync("merchant");
        using var merchant = fixture.Node.As(merchantKey);
        await Expect(merchant, Body(), HttpStatusCode.Forbidden, "forbidden");
        var (_, auditorKey) = await fixture.Scenario.CreateParticipantAsync("auditor");
        using var auditor = fixture.Node.As(auditorKey);
        await Expect(auditor, Body(), HttpStatusCode.Forbidden, "forbidden");

        // More than the balance: refused by the ledger; the escrow is failed and nothing is held or sent.
        var tooMuch = Body(("amount", "1000001"));
        await Expect(bank, tooMuch, HttpStatusCode.UnprocessableEntity, "insufficient_funds");
        var failed = await bank.GetAsync($"/v1/escrows/{tooMuch["id"]}");
        Assert.Equal("failed", failed.Json.GetProperty("status").GetString());
        Assert.Equal(EscrowState.None, (await OnChainAsync((string)tooMuch["id"]!)).State);

        // The same id with another amount.
        var first = Body();
        Assert.Equal(HttpStatusCode.Accepted, (await bank.PostAsync("/v1/escrows", JsonSerializer.Serialize(first))).Status);
        first["amount"] = "1001";
        await Expect(bank, first, HttpStatusCode.Conflict, "escrow_exists");

        // Others do not see it; the reconciliation report is for the operator and auditors.
        var (_, otherKey) = await fixture.Scenario.CreateParticipantAsync("bank");
        using var other = fixture.Node.As(otherKey);
        Assert.Equal(HttpStatusCode.NotFound, (await other.GetAsync($"/v1/escrows/{first["id"]}")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await other.PostAsync($"/v1/escrows/{first["id"]}/release", "{}")).Status);
        Assert.DoesNotContain((await other.GetAsync("/v1/escrows")).Json.GetProperty("escrows").EnumerateArray(), e => e.GetProperty("id").GetString() == (string)first["id"]!);
        Assert.Equal(HttpStatusCode.Forbidden, (await bank.GetAsync("/v1/reconciliation")).Status);

        // Only the one good escrow holds anything.
        Assert.Equal(("1000", "0", "0", "1000000"), await fixture.Scenario.BalancesAsync(account));
        _ = bankId;
    }

    private static string Deadline(TimeSpan ahead) => (DateTimeOffset.UtcNow + ahead).ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture);

    private static string Hex(byte[] bytes) => "0x" + Convert.ToHexStringLower(bytes);

    private async Task<EscrowRecord> OnChainAsync(string id) =>
        await fixture.Session.Contracts.Escrow.GetEscrowAsync(Hash32.FromBytes(OnChainId.ToBytes32(Uuid.Parse(id))), BlockTag.Latest, CancellationToken.None);

    /// <summary>Waits for a reconciliation report at or past <paramref name="block"/> and asserts it found nothing amiss.</summary>
    private async Task AssertReconciledAsync(ulong block)
    {
        using var op = fixture.Node.AsOperator();
        var deadline = DateTime.UtcNow + ChainNodeFixture.FinalWithin;
        ApiResponse report;
        do
        {
            report = await op.GetAsync("/v1/reconciliation");
            if (report.Status == HttpStatusCode.OK && report.Json.GetProperty("block_number").GetUInt64() >= block)
            {
                Assert.True(report.Json.GetProperty("consistent").GetBoolean(), report.ToString());
                Assert.True(report.Json.GetProperty("escrows_checked").GetInt32() > 0, report.ToString());
                return;
            }

            await Task.Delay(500);
        }
        while (DateTime.UtcNow < deadline);
        Assert.Fail($"No reconciliation report reached block {block}; last: {report}");
    }
}

using System.Net;
using System.Text;
using System.Text.Json;
using Ledger.Api.Tests.Infrastructure;

namespace Ledger.Api.Tests;

/// <summary>Every bad input of API.md is a problem+json with its own code, and moves no money.</summary>
public sealed class BadInputTests(NodeFixture fixture) : IClassFixture<NodeFixture>, IAsyncLifetime
{
    private readonly Scenario scenario = fixture.Scenario;
    private string bankKey = string.Empty;
    private string debit = string.Empty;
    private string credit = string.Empty;

    /// <summary>A bank with a funded account to debit and an account to credit.</summary>
    public async Task InitializeAsync()
    {
        var funding = await scenario.OpenFundingAccountAsync();
        var (bankId, key) = await scenario.CreateParticipantAsync("bank");
        bankKey = key;
        using var bank = scenario.Node.As(bankKey);
        debit = await scenario.OpenAccountAsync(bank, bankId, flags: "debits_must_not_exceed_credits");
        credit = await scenario.OpenAccountAsync(bank, bankId);
        using var op = scenario.Node.AsOperator();
        await scenario.TransferAsync(op, funding, debit, "100000");
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Theory]
    [InlineData("\"-5\"")]
    [InlineData("\"1.5\"")]
    [InlineData("\"1e3\"")]
    [InlineData("\"1E3\"")]
    [InlineData("\"\"")]
    [InlineData("\" 5\"")]
    [InlineData("\"+5\"")]
    [InlineData("\"0x10\"")]
    [InlineData("\"340282366920938463463374607431768211456\"")]
    [InlineData("\"99999999999999999999999999999999999999999\"")]
    [InlineData("5")]
    [InlineData("5.0")]
    [InlineData("-5")]
    [InlineData("1e3")]
    [InlineData("true")]
    public async Task Bad_amounts_are_400_invalid_amount_and_commit_nothing(string amountJson)
    {
        var id = Scenario.NewId();
        var body = $$"""{"transfers":[{"id":"{{id}}","debit_account_id":"{{debit}}","credit_account_id":"{{credit}}","amount":{{amountJson}},"currency":"USD","code":1}]}""";
        await AssertRejectedAsync(body, HttpStatusCode.BadRequest, "invalid_amount", id);
    }

    [Fact]
    public async Task The_largest_amount_is_valid_input_and_fails_only_on_the_balance()
    {
        var id = Scenario.NewId();
        var before = await Balances();
        using var bank = scenario.Node.As(bankKey);
        var answer = await bank.PostAsync("/v1/transfers", $$"""{"transfers":[{"id":"{{id}}","debit_account_id":"{{debit}}","credit_account_id":"{{credit}}","amount":"340282366920938463463374607431768211455","currency":"USD","code":1}]}""");
        Assert.Equal(HttpStatusCode.OK, answer.Status);
        Assert.Equal("exceeds_credits", answer.Json.GetProperty("results")[0].GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.Null, answer.Json.GetProperty("results")[0].GetProperty("timestamp_ns").ValueKind);
        Assert.Equal(before, await Balances());
    }

    [Theory]
    [InlineData("{\"transfers\":[{")]
    [InlineData("{\"transfers\":[]")]
    [InlineData("not json")]
    [InlineData("")]
    [InlineData("{\"transfers\":[{\"id\":\"a\",}]}")]
    public async Task Malformed_json_is_400_malformed_json(string body) =>
        await AssertRejectedAsync(body, HttpStatusCode.BadRequest, "malformed_json", null);

    [Fact]
    public async Task The_zero_id_is_400_zero_id()
    {
        const string Zero = "00000000-0000-0000-0000-000000000000";
        await AssertRejectedAsync(
            $$"""{"transfers":[{"id":"{{Zero}}","debit_account_id":"{{debit}}","credit_account_id":"{{credit}}","amount":"5","currency":"USD","code":1}]}""",
            HttpStatusCode.BadRequest,
            "zero_id",
            null);
        var id = Scenario.NewId();
        await AssertRejectedAsync(
            $$"""{"transfers":[{"id":"{{id}}","debit_account_id":"{{Zero}}","credit_account_id":"{{credit}}","amount":"5","currency":"USD","code":1}]}""",
            HttpStatusCode.BadRequest,
            "zero_id",
            id);
    }

    [Theory]
    [InlineData("\"not-a-uuid\"")]
    [InlineData("\"0192f000-0000-7000-8000-00000000000\"")]
    [InlineData("\"0192f000x0000-7000-8000-000000000001\"")]
    [InlineData("42")]
    public async Task A_malformed_id_is_400_invalid_id(string idJson)
    {
        await AssertRejectedAsync(
            $$"""{"transfers":[{"id":{{idJson}},"debit_account_id":"{{debit}}","credit_account_id":"{{credit}}","amount":"5","currency":"USD","code":1}]}""",
            HttpStatusCode.BadRequest,
            "invalid_id",
            null);
    }

    [Fact]
    public async Task An_unknown_currency_is_400_unknown_currency()
    {
        var id = Scenario.NewId();
        await AssertRejectedAsync(
            $$"""{"transfers":[{"id":"{{id}}","debit_account_id":"{{debit}}","credit_account_id":"{{credit}}","amount":"5","currency":"XXX","code":1}]}""",
            HttpStatusCode.BadRequest,
            "unknown_currency",
            id);
    }

    [Theory]
    [InlineData("\"memo\":\"hello\",")]
    [InlineData("\"Amount\":\"5\",")]
    [InlineData("\"user_data128\":\"5\",")]
    public async Task An_unknown_field_is_400_unknown_field(string extra)
    {
        var id = Scenario.NewId();
        await AssertRejectedAsync(
            $$"""{"transfers":[{{{extra}}"id":"{{id}}","debit_account_id":"{{debit}}","credit_account_id":"{{credit}}","amount":"5","currency":"USD","code":1}]}""",
            HttpStatusCode.BadRequest,
            "unknown_field",
            id);
        await AssertRejectedAsync(
            $$"""{"batch":1,"transfers":[{"id":"{{id}}","debit_account_id":"{{debit}}","credit_account_id":"{{credit}}","amount":"5","currency":"USD","code":1}]}""",
            HttpStatusCode.BadRequest,
            "unknown_field",
            id);
    }

    [Fact]
    public async Task A_field_given_twice_is_400_duplicate_field()
    {
        var id = Scenario.NewId();
        await AssertRejectedAsync(
            $$"""{"transfers":[{"id":"{{id}}","debit_account_id":"{{debit}}","credit_account_id":"{{credit}}","amount":"5","amount":"50000","currency":"USD","code":1}]}""",
            HttpStatusCode.BadRequest,
            "duplicate_field",
            id);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("65536")]
    [InlineData("-1")]
    [InlineData("1.5")]
    [InlineData("\"1\"")]
    public async Task A_code_outside_1_to_65535_is_400_invalid_code(string codeJson)
    {
        var id = Scenario.NewId();
        await AssertRejectedAsync(
            $$"""{"transfers":[{"id":"{{id}}","debit_account_id":"{{debit}}","credit_account_id":"{{credit}}","amount":"5","currency":"USD","code":{{codeJson}}}]}""",
            HttpStatusCode.BadRequest,
            "invalid_code",
            id);
    }

    [Theory]
    [InlineData("[\"pending\",\"pending\"]")]
    [InlineData("[\"closed\"]")]
    [InlineData("\"pending\"")]
    [InlineData("[1]")]
    public async Task Bad_flags_are_400_invalid_flags(string flagsJson)
    {
        var id = Scenario.NewId();
        await AssertRejectedAsync(
            $$"""{"transfers":[{"id":"{{id}}","debit_account_id":"{{debit}}","credit_account_id":"{{credit}}","amount":"5","currency":"USD","code":1,"flags":{{flagsJson}}}]}""",
            HttpStatusCode.BadRequest,
            "invalid_flags",
            id);
    }

    [Theory]
    [InlineData("amount")]
    [InlineData("currency")]
    [InlineData("code")]
    [InlineData("debit_account_id")]
    public async Task A_missing_required_member_is_400_missing_field(string left)
    {
        var id = Scenario.NewId();
        var members = new Dictionary<string, string>
        {
            ["id"] = $"\"{id}\"",
            ["debit_account_id"] = $"\"{debit}\"",
            ["credit_account_id"] = $"\"{credit}\"",
            ["amount"] = "\"5\"",
            ["currency"] = "\"USD\"",
            ["code"] = "1",
        };
        members.Remove(left);
        var body = "{\"transfers\":[{" + string.Join(',', members.Select(m => $"\"{m.Key}\":{m.Value}")) + "}]}";
        await AssertRejectedAsync(body, HttpStatusCode.BadRequest, "missing_field", id);
    }

    [Fact]
    public async Task One_bad_event_rejects_the_whole_batch()
    {
        var good = Scenario.NewId();
        var bad = Scenario.NewId();
        await AssertRejectedAsync(
            $$"""{"transfers":[{"id":"{{good}}","debit_account_id":"{{debit}}","credit_account_id":"{{credit}}","amount":"5","currency":"USD","code":1},{"id":"{{bad}}","debit_account_id":"{{debit}}","credit_account_id":"{{credit}}","amount":"-5","currency":"USD","code":1}]}""",
            HttpStatusCode.BadRequest,
            "invalid_amount",
            good);
        await scenario.AssertTransferAbsentAsync(bad);
    }

    [Fact]
    public async Task An_empty_batch_is_400_and_a_missing_one_too()
    {
        await AssertRejectedAsync("""{"transfers":[]}""", HttpStatusCode.BadRequest, "empty_batch", null);
        await AssertRejectedAsync("{}", HttpStatusCode.BadRequest, "missing_field", null);
        await AssertRejectedAsync("[]", HttpStatusCode.BadRequest, "invalid_body", null);
        await AssertRejectedAsync("""{"transfers":null}""", HttpStatusCode.BadRequest, "invalid_field", null);
    }

    [Fact]
    public async Task A_batch_of_8190_events_is_413_batch_too_large_and_8189_is_accepted()
    {
        var over = Batch(8190, out var firstOver);
        await AssertRejectedAsync(over, HttpStatusCode.RequestEntityTooLarge, "batch_too_large", firstOver);

        // 8,189 events against accounts that do not exist: valid input, each a failure result, nothing moves.
        var atLimit = Batch(8189, out var firstAtLimit, missingAccounts: true);
        using var bank = scenario.Node.As(bankKey);
        var answer = await bank.PostAsync("/v1/transfers", atLimit);
        Assert.True(answer.Status == HttpStatusCode.OK, answer.ToString()[..Math.Min(400, answer.ToString().Length)]);
        var results = answer.Json.GetProperty("results");
        Assert.Equal(8189, results.GetArrayLength());
        Assert.Equal("debit_account_not_found", results[0].GetProperty("status").GetString());
        Assert.Equal(8188, results[8188].GetProperty("index").GetInt32());
        await scenario.AssertTransferAbsentAsync(firstAtLimit);
    }

    [Fact]
    public async Task A_body_that_is_not_json_media_is_415()
    {
        using var bank = scenario.Node.As(bankKey);
        var id = Scenario.NewId();
        var answer = await bank.SendAsync(
            HttpMethod.Post,
            "/v1/transfers",
            $$"""{"transfers":[{"id":"{{id}}","debit_account_id":"{{debit}}","credit_account_id":"{{credit}}","amount":"5","currency":"USD","code":1}]}""",
            "text/plain");
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, answer.Status);
        Assert.Equal("unsupported_media_type", answer.ProblemCode());
        await scenario.AssertTransferAbsentAsync(id);
    }

    [Theory]
    [InlineData("/v1/accounts/not-a-uuid", "invalid_id")]
    [InlineData("/v1/accounts/00000000-0000-0000-0000-000000000000", "zero_id")]
    [InlineData("/v1/transfers/xyz", "invalid_id")]
    [InlineData("/v1/participants/123", "invalid_id")]
    public async Task Bad_ids_in_paths_are_400(string path, string code)
    {
        using var op = scenario.Node.AsOperator();
        var answer = await op.GetAsync(path);
        Assert.Equal(HttpStatusCode.BadRequest, answer.Status);
        Assert.Equal(code, answer.ProblemCode());
    }

    [Theory]
    [InlineData("limit=0", "invalid_limit")]
    [InlineData("limit=1001", "invalid_limit")]
    [InlineData("limit=abc", "invalid_limit")]
    [InlineData("limit=-1", "invalid_limit")]
    [InlineData("after=-5", "invalid_cursor")]
    [InlineData("after=1.5", "invalid_cursor")]
    public async Task Bad_paging_is_400(string query, string code)
    {
        using var bank = scenario.Node.As(bankKey);
        var answer = await bank.GetAsync($"/v1/accounts/{debit}/transfers?{query}");
        Assert.Equal(HttpStatusCode.BadRequest, answer.Status);
        Assert.Equal(code, answer.ProblemCode());
    }

    [Theory]
    [InlineData("""{"id":"ID","owner_id":"OWNER","currency":"USD","code":"vault"}""", "invalid_account_code")]
    [InlineData("""{"id":"ID","owner_id":"OWNER","currency":"ZZZ","code":"settlement"}""", "unknown_currency")]
    [InlineData("""{"id":"ID","owner_id":"OWNER","currency":"USD","code":"settlement","flags":["closed"]}""", "invalid_flags")]
    [InlineData("""{"id":"ID","owner_id":"OWNER","currency":"USD","code":"settlement","flags":["debits_must_not_exceed_credits","credits_must_not_exceed_debits"]}""", "flags_are_mutually_exclusive")]
    [InlineData("""{"id":"ID","owner_id":"OWNER","currency":"USD","code":1}""", "invalid_account_code")]
    [InlineData("""{"id":"ID","owner_id":"OWNER","currency":"USD","code":"settlement","balance":"5"}""", "unknown_field")]
    public async Task Bad_account_requests_are_400_with_their_code(string template, string code)
    {
        using var op = scenario.Node.AsOperator();
        var id = Scenario.NewId();
        var answer = await op.PostAsync("/v1/accounts", template.Replace("ID", id, StringComparison.Ordinal).Replace("OWNER", Scenario.OperatorId, StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.BadRequest, answer.Status);
        Assert.Equal(code, answer.ProblemCode());
        Assert.Equal(HttpStatusCode.NotFound, (await op.GetAsync($"/v1/accounts/{id}")).Status);
    }

    [Theory]
    [InlineData("""{"id":"ID","name":"N","role":"operator","country":"GB","kyc_status":"verified"}""", "invalid_role")]
    [InlineData("""{"id":"ID","name":"N","role":"king","country":"GB","kyc_status":"verified"}""", "invalid_role")]
    [InlineData("""{"id":"ID","name":"N","role":"bank","country":"gb","kyc_status":"verified"}""", "invalid_country")]
    [InlineData("""{"id":"ID","name":"N","role":"bank","country":"XX","kyc_status":"verified"}""", "invalid_country")]
    [InlineData("""{"id":"ID","name":"  ","role":"bank","country":"GB","kyc_status":"verified"}""", "invalid_name")]
    [InlineData("""{"id":"ID","name":"N","role":"bank","country":"GB","kyc_status":"done"}""", "invalid_kyc_status")]
    public async Task Bad_participant_requests_are_400_with_their_code(string template, string code)
    {
        using var op = scenario.Node.AsOperator();
        var answer = await op.PostAsync("/v1/participants", template.Replace("ID", Scenario.NewId(), StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.BadRequest, answer.Status);
        Assert.Equal(code, answer.ProblemCode());
    }

    [Theory]
    [InlineData("""{"code":"usd2","ledger":9001,"scale":2}""", "invalid_currency_code")]
    [InlineData("""{"code":"ABCDEFGHIJK","ledger":9001,"scale":2}""", "invalid_currency_code")]
    [InlineData("""{"code":"XTA","ledger":0,"scale":2}""", "invalid_ledger")]
    [InlineData("""{"code":"XTA","ledger":-1,"scale":2}""", "invalid_ledger")]
    [InlineData("""{"code":"XTA","ledger":9001,"scale":19}""", "invalid_scale")]
    [InlineData("""{"code":"XTA","ledger":"9001","scale":2}""", "invalid_ledger")]
    public async Task Bad_currency_requests_are_400_with_their_code(string body, string code)
    {
        using var op = scenario.Node.AsOperator();
        var answer = await op.PostAsync("/v1/currencies", body);
        Assert.Equal(HttpStatusCode.BadRequest, answer.Status);
        Assert.Equal(code, answer.ProblemCode());
    }

    private string Batch(int count, out string firstId, bool missingAccounts = false)
    {
        var from = missingAccounts ? Scenario.NewId() : debit;
        var to = missingAccounts ? Scenario.NewId() : credit;
        var builder = new StringBuilder(count * 200);
        builder.Append("{\"transfers\":[");
        firstId = string.Empty;
        for (var i = 0; i < count; i++)
        {
            var id = Scenario.NewId();
            if (i == 0)
            {
                firstId = id;
            }
            else
            {
                builder.Append(',');
            }

            builder.Append($$"""{"id":"{{id}}","debit_account_id":"{{from}}","credit_account_id":"{{to}}","amount":"1","currency":"USD","code":1}""");
        }

        builder.Append("]}");
        return builder.ToString();
    }

    /// <summary>Both accounts' four balances, as one comparable value.</summary>
    private async Task<string> Balances() => $"{await scenario.BalancesAsync(debit)} {await scenario.BalancesAsync(credit)}";

    /// <summary>Sends the body as the bank; asserts the problem and that neither account moved and the transfer is absent.</summary>
    private async Task AssertRejectedAsync(string body, HttpStatusCode status, string code, string? transferId)
    {
        var before = await Balances();
        using var bank = scenario.Node.As(bankKey);
        var answer = await bank.PostAsync("/v1/transfers", body);
        Assert.True(answer.Status == status, answer.ToString());
        Assert.Equal(code, answer.ProblemCode());
        Assert.Equal(before, await Balances());
        if (transferId is not null)
        {
            await scenario.AssertTransferAbsentAsync(transferId);
        }
    }
}

using System.Net;
using Ledger.Api;
using Ledger.Api.Payouts;
using Ledger.Api.Tests.Infrastructure;
using Ledger.Chain.Abi;

namespace Ledger.Api.Tests;

/// <summary>The operator's deny list (by API and from a file at start) and the payout destination checks.</summary>
public sealed class DenyListTests(NodeFixture fixture) : IClassFixture<NodeFixture>
{
    private const string Sanctioned = "0x52908400098527886E0F7030069857D2E4169EE7";

    [Fact]
    public async Task The_operator_denies_lists_and_allows_an_address_and_others_may_not()
    {
        using var op = fixture.Node.AsOperator();
        var put = await op.SendAsync(HttpMethod.Put, $"/v1/payouts/deny-list/{Sanctioned.ToLowerInvariant()}", """{"reason":"OFAC SDN entry 12345"}""");
        Assert.True(put.Status == HttpStatusCode.OK, put.ToString());
        Assert.Equal(Sanctioned, put.Json.GetProperty("address").GetString());
        Assert.Equal("api", put.Json.GetProperty("source").GetString());

        var list = await op.GetAsync("/v1/payouts/deny-list");
        Assert.Contains(list.Json.GetProperty("addresses").EnumerateArray(), e => e.GetProperty("address").GetString() == Sanctioned && e.GetProperty("reason").GetString() == "OFAC SDN entry 12345");

        var (_, bankKey) = await fixture.Scenario.CreateParticipantAsync("bank");
        using var bank = fixture.Node.As(bankKey);
        Assert.Equal(HttpStatusCode.Forbidden, (await bank.GetAsync("/v1/payouts/deny-list")).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await bank.SendAsync(HttpMethod.Delete, $"/v1/payouts/deny-list/{Sanctioned}", null)).Status);

        Assert.Equal("invalid_address", (await op.SendAsync(HttpMethod.Put, "/v1/payouts/deny-list/0x1234", """{"reason":"x"}""")).ProblemCode());
        Assert.Equal("invalid_reason", (await op.SendAsync(HttpMethod.Put, $"/v1/payouts/deny-list/{Sanctioned}", """{"reason":"  "}""")).ProblemCode());

        Assert.Equal(HttpStatusCode.NoContent, (await op.SendAsync(HttpMethod.Delete, $"/v1/payouts/deny-list/{Sanctioned}", null)).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await op.SendAsync(HttpMethod.Delete, $"/v1/payouts/deny-list/{Sanctioned}", null)).Status);
    }

    [Fact]
    public async Task A_deny_list_file_is_loaded_at_start_and_a_bad_line_stops_the_node()
    {
        var file = Path.Combine(Path.GetTempPath(), $"deny-{Guid.NewGuid():N}.txt");
        await File.WriteAllTextAsync(file, $"# sanctions\n\n{Sanctioned}, SDN 1\n0xde709f2102306220921060314715629080e2fb77\n");
        try
        {
            await using (var node = await TestNode.StartAsync(configure: options => options.DenyListPath = file))
            {
                using var op = node.AsOperator();
                var entries = (await op.GetAsync("/v1/payouts/deny-list")).Json.GetProperty("addresses").EnumerateArray().ToList();
                Assert.Equal(2, entries.Count);
                Assert.Contains(entries, e => e.GetProperty("address").GetString() == Sanctioned && e.GetProperty("reason").GetString() == "SDN 1");
                Assert.All(entries, e => Assert.Equal("file:" + Path.GetFileName(file), e.GetProperty("source").GetString()));
            }

            await File.AppendAllTextAsync(file, "not-an-address\n");
            var refused = await Assert.ThrowsAsync<NodeConfigurationException>(() => TestNode.StartAsync(configure: options => options.DenyListPath = file));
            Assert.Contains("line 5", refused.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void A_destination_must_be_an_EIP55_address_not_zero_and_not_our_own_contract()
    {
        var own = Address.Parse("0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359");
        Assert.Null(PayoutDestination.Check(Sanctioned, [own], out var address));
        Assert.Equal(Sanctioned, address.ToString());
        Assert.Equal("destination_not_checksummed", PayoutDestination.Check(Sanctioned.ToLowerInvariant(), [own], out _)!.Code);
        Assert.Equal("invalid_destination", PayoutDestination.Check("0x52908400098527886E0F7030069857D2E4169Ee7", [own], out _)!.Code); // one letter's case wrong
        Assert.Equal("invalid_destination", PayoutDestination.Check("0x0000000000000000000000000000000000000000", [own], out _)!.Code);
        Assert.Equal("invalid_destination", PayoutDestination.Check(own.ToString(), [own], out _)!.Code);
        Assert.Equal("invalid_destination", PayoutDestination.Check("52908400098527886E0F7030069857D2E4169EE7", [own], out _)!.Code);
        Assert.Equal("invalid_destination", PayoutDestination.Check(null, [own], out _)!.Code);
    }
}

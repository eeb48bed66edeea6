using System.Net;
using Ledger.Api.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;

namespace Ledger.Api.Tests;

/// <summary>First start, restarts, configuration, and roles: each test runs its own node(s).</summary>
public sealed class BootstrapTests
{
    [Fact]
    public async Task First_start_generates_the_operator_key_in_a_0600_file_prints_it_once_and_never_again()
    {
        var dataDirectory = TestNode.NewDataDirectory();
        try
        {
            string key;
            await using (var first = await TestNode.StartAsync(dataDirectory))
            {
                var keyPath = Path.Combine(dataDirectory, "operator.key");
                Assert.True(File.Exists(keyPath));
                if (!OperatingSystem.IsWindows())
                {
                    Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(keyPath));
                }

                key = first.OperatorKey;
                Assert.StartsWith("lk_", key, StringComparison.Ordinal);
                Assert.Equal(46, key.Length);
                Assert.Equal([key], first.PrintedKeys());

                using var client = first.AsOperator();
                var me = await client.GetAsync("/v1/participants/me");
                Assert.Equal(HttpStatusCode.OK, me.Status);
                Assert.Equal("operator", me.Json.GetProperty("role").GetString());
                Assert.Equal("verified", me.Json.GetProperty("kyc_status").GetString());
            }

            await using var second = await TestNode.StartAsync(dataDirectory);
            Assert.Empty(second.PrintedKeys());
            Assert.Equal(key, second.OperatorKey);
            using var again = second.As(key);
            Assert.Equal(HttpStatusCode.OK, (await again.GetAsync("/v1/participants/me")).Status);
        }
        finally
        {
            TestNode.DeleteQuietly(dataDirectory);
        }
    }

    [Fact]
    public async Task A_configured_operator_key_is_used_and_a_changed_one_replaces_it()
    {
        var dataDirectory = TestNode.NewDataDirectory();
        const string FirstKey = "lk_test_configured_key_one_0123456789";
        const string SecondKey = "lk_test_configured_key_two_0123456789";
        try
        {
            await using (var first = await TestNode.StartAsync(dataDirectory, FirstKey))
            {
                Assert.Empty(first.PrintedKeys());
                Assert.False(File.Exists(Path.Combine(dataDirectory, "operator.key")));
                using var client = first.As(FirstKey);
                Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/v1/participants/me")).Status);
            }

            await using var second = await TestNode.StartAsync(dataDirectory, SecondKey);
            using var current = second.As(SecondKey);
            using var old = second.As(FirstKey);
            var me = await current.GetAsync("/v1/participants/me");
            Assert.Equal(HttpStatusCode.OK, me.Status);
            Assert.Equal(Scenario.OperatorId, me.Json.GetProperty("id").GetString());
            var refused = await old.GetAsync("/v1/participants/me");
            Assert.Equal(HttpStatusCode.Unauthorized, refused.Status);
            Assert.Equal("unauthorized", refused.ProblemCode());
        }
        finally
        {
            TestNode.DeleteQuietly(dataDirectory);
        }
    }

    [Fact]
    public void A_malformed_LEDGER_DB_or_lease_stops_the_start_with_a_clear_message()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["LEDGER_DB"] = "Host=127.0.0.1;Databse=ledger;Password=secret" })
            .Build();
        var options = NodeOptions.FromConfiguration(configuration);
        Assert.True(options.UsesPostgres);
        var refused = Assert.Throws<NodeConfigurationException>(options.Validate);
        Assert.Contains("LEDGER_DB is not a valid PostgreSQL connection string", refused.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("secret", refused.Message, StringComparison.Ordinal);

        var fromBuild = Assert.Throws<NodeConfigurationException>(() => NodeApp.Build([], o =>
        {
            o.DataDirectory = TestNode.NewDataDirectory();
            o.PostgresConnectionString = "Host=127.0.0.1;Nonsense=1";
        }));
        Assert.Contains("LEDGER_DB", fromBuild.Message, StringComparison.Ordinal);

        foreach (var bad in new[] { "0", "-1", "ten", "3601", "1.5" })
        {
            var lease = Assert.Throws<NodeConfigurationException>(() => NodeOptions.FromConfiguration(new ConfigurationBuilder()
                .AddInMemoryCollection(new Dictionary<string, string?> { ["LEDGER_SILO_LEASE_SECONDS"] = bad })
                .Build()));
            Assert.Contains("LEDGER_SILO_LEASE_SECONDS", lease.Message, StringComparison.Ordinal);
        }

        var three = NodeOptions.FromConfiguration(new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["LEDGER_SILO_LEASE_SECONDS"] = "3" })
            .Build());
        Assert.Equal(TimeSpan.FromSeconds(3), three.SiloLeaseDuration);
    }

    [Fact]
    public void Configuration_reads_the_environment_names_of_the_API_document_and_their_defaults()
    {
        var defaults = NodeOptions.FromConfiguration(new ConfigurationBuilder().Build());
        Assert.Equal("http://127.0.0.1:5080", defaults.Urls);
        Assert.Equal("./data", defaults.DataDirectory);
        Assert.Null(defaults.OperatorKey);
        Assert.Equal(NodeRole.All, defaults.Role);

        var configured = NodeOptions.FromConfiguration(new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["LEDGER_URLS"] = "http://127.0.0.1:6000",
                ["LEDGER_DATA_DIR"] = "/var/lib/ledger",
                ["LEDGER_OPERATOR_KEY"] = "lk_0123456789abcdef",
                ["LEDGER_ROLE"] = "silo",
            })
            .Build());
        Assert.Equal("http://127.0.0.1:6000", configured.Urls);
        Assert.Equal("/var/lib/ledger", configured.DataDirectory);
        Assert.Equal("lk_0123456789abcdef", configured.OperatorKey);
        Assert.Equal(NodeRole.Silo, configured.Role);

        var section = NodeOptions.FromConfiguration(new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Ledger:Role"] = "api" })
            .Build());
        Assert.Equal(NodeRole.Api, section.Role);

        Assert.Throws<NodeConfigurationException>(() => NodeOptions.ParseRole("leader"));
    }

    [Fact]
    public async Task Role_silo_serves_health_only_and_role_api_serves_the_api()
    {
        await using (var silo = await TestNode.StartAsync(role: NodeRole.Silo))
        {
            using var client = silo.AsOperator();
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/live")).Status);
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/ready")).Status);
            var api = await client.GetAsync("/v1/participants/me");
            Assert.Equal(HttpStatusCode.NotFound, api.Status);
            Assert.Equal("not_found", api.ProblemCode());
        }

        await using var apiOnly = await TestNode.StartAsync(role: NodeRole.Api);
        using var operatorClient = apiOnly.AsOperator();
        Assert.Equal(HttpStatusCode.OK, (await operatorClient.GetAsync("/v1/participants/me")).Status);
        Assert.Equal(HttpStatusCode.OK, (await operatorClient.GetAsync("/health/ready")).Status);
    }
}

using Ledger.Core.Cluster;
using Ledger.Core.Tests.Infrastructure;

namespace Ledger.Core.Tests.Stores;

public sealed class SqliteLeaseTests(SqliteStoreFixture fixture) : LeaseTests<SqliteStoreFixture>(fixture);

public sealed class PostgresLeaseTests(PostgresStoreFixture fixture) : LeaseTests<PostgresStoreFixture>(fixture);

/// <summary>
/// The lease rules every store keeps: one holder at a time, renewal keeps the epoch, a lapsed or released
/// lease passes to the next holder with the epoch one higher. Expiry runs on the store's clock (the
/// server's for PostgreSQL), so these tests wait real time for short leases to lapse.
/// </summary>
public abstract class LeaseTests<TFixture>(TFixture fixture) : LedgerTestBase<TFixture>(fixture)
    where TFixture : class, ILedgerStoreFixture
{
    private const string Name = "silo";
    private static readonly TimeSpan Long = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan Short = TimeSpan.FromMilliseconds(300);

    private ILeaseStore Leases => (ILeaseStore)Ledger.Store;

    [Fact]
    public async Task A_lease_never_taken_reads_as_null()
    {
        Assert.Null(await Leases.GetLeaseAsync(Name, Ledger.Token));
    }

    [Fact]
    public async Task First_acquire_grants_epoch_one_until_the_duration_from_now()
    {
        var grant = await AcquireAsync("a", Long);

        Assert.NotNull(grant);
        Assert.Equal((Name, "a", 1L, false), (grant.Name, grant.Holder, grant.Epoch, grant.Expired));
        var remaining = grant.ExpiresAt - DateTimeOffset.UtcNow;
        Assert.InRange(remaining, Long - TimeSpan.FromSeconds(10), Long + TimeSpan.FromSeconds(10));
        Assert.Equal(grant, await Leases.GetLeaseAsync(Name, Ledger.Token));
    }

    [Fact]
    public async Task Renewal_by_the_holder_keeps_the_epoch_and_moves_the_expiry()
    {
        var first = await AcquireAsync("a", Long);
        var renewed = await AcquireAsync("a", Long * 2);

        Assert.NotNull(first);
        Assert.NotNull(renewed);
        Assert.Equal(first.Epoch, renewed.Epoch);
        Assert.True(renewed.ExpiresAt > first.ExpiresAt);
    }

    [Fact]
    public async Task Another_holder_is_refused_while_the_lease_runs()
    {
        var held = await AcquireAsync("a", Long);

        Assert.Null(await AcquireAsync("b", Long));
        Assert.Equal(held, await Leases.GetLeaseAsync(Name, Ledger.Token));
    }

    [Fact]
    public async Task Takeover_after_expiry_bumps_the_epoch_and_locks_out_the_old_holder()
    {
        Assert.NotNull(await AcquireAsync("a", Short));
        await WaitUntilExpiredAsync();

        var taken = await AcquireAsync("b", Long);

        Assert.NotNull(taken);
        Assert.Equal(("b", 2L, false), (taken.Holder, taken.Epoch, taken.Expired));
        Assert.Null(await AcquireAsync("a", Long));
    }

    [Fact]
    public async Task The_holder_retaking_its_own_lapsed_lease_gets_a_new_epoch()
    {
        Assert.NotNull(await AcquireAsync("a", Short));
        await WaitUntilExpiredAsync();

        var retaken = await AcquireAsync("a", Long);

        Assert.NotNull(retaken);
        Assert.Equal(2L, retaken.Epoch);
    }

    [Fact]
    public async Task Release_lets_a_standby_in_at_once()
    {
        Assert.NotNull(await AcquireAsync("a", Long));
        Assert.Null(await AcquireAsync("b", Long));

        await Leases.ReleaseAsync(Name, "a", Ledger.Token);

        var released = await Leases.GetLeaseAsync(Name, Ledger.Token);
        Assert.NotNull(released);
        Assert.True(released.Expired);
        var taken = await AcquireAsync("b", Long);
        Assert.NotNull(taken);
        Assert.Equal(("b", 2L), (taken.Holder, taken.Epoch));
    }

    [Fact]
    public async Task Release_by_another_holder_changes_nothing()
    {
        var held = await AcquireAsync("a", Long);

        await Leases.ReleaseAsync(Name, "b", Ledger.Token);

        Assert.Equal(held, await Leases.GetLeaseAsync(Name, Ledger.Token));
        Assert.Null(await AcquireAsync("b", Long));
    }

    [Fact]
    public async Task Leases_of_different_names_are_independent()
    {
        Assert.NotNull(await AcquireAsync("a", Long));

        var other = await Leases.TryAcquireAsync("anchor", "b", Long, Ledger.Token);

        Assert.NotNull(other);
        Assert.Equal(("b", 1L), (other.Holder, other.Epoch));
        Assert.Equal("a", (await Leases.GetLeaseAsync(Name, Ledger.Token))?.Holder);
    }

    [Fact]
    public async Task Holders_racing_for_a_free_lease_leave_exactly_one_winner()
    {
        var grants = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => Task.Run(() => AcquireAsync($"node-{i}", Long))));

        var winner = Assert.Single(grants, g => g is not null);
        Assert.Equal(1L, winner!.Epoch);
        Assert.Equal(winner, await Leases.GetLeaseAsync(Name, Ledger.Token));
    }

    private async Task<LeaseGrant?> AcquireAsync(string holder, TimeSpan duration) =>
        await Leases.TryAcquireAsync(Name, holder, duration, Ledger.Token);

    private async Task WaitUntilExpiredAsync()
    {
        while ((await Leases.GetLeaseAsync(Name, Ledger.Token))?.Expired != true)
        {
            await Task.Delay(50, Ledger.Token);
        }
    }
}

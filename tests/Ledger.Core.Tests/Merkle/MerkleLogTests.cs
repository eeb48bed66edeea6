using Ledger.Core.Codec;
using Ledger.Core.Commit;
using Ledger.Core.Domain;
using Ledger.Core.Merkle;
using Ledger.Core.Storage;
using Ledger.Core.Tests.Infrastructure;
using static Ledger.Core.Tests.Infrastructure.Build;

namespace Ledger.Core.Tests.Merkle;

public sealed class SqliteMerkleLogTests(SqliteStoreFixture fixture) : MerkleLogTests<SqliteStoreFixture>(fixture);

public sealed class PostgresMerkleLogTests(PostgresStoreFixture fixture) : MerkleLogTests<PostgresStoreFixture>(fixture);

/// <summary>
/// The tree the engine writes at commit, read back through <see cref="MerkleLog"/>, against the RFC 9162
/// reference over the records the store holds: across batches (with failed events and linked chains that
/// never become leaves), across a restart, and after a back-fill of a log that had no nodes.
/// </summary>
public abstract class MerkleLogTests<TFixture>(TFixture fixture) : LedgerTestBase<TFixture>(fixture)
    where TFixture : class, ILedgerStoreFixture
{
    private readonly Random random = new(2024);
    private ulong nextId = 1000;

    [Fact]
    public async Task Tree_covers_the_committed_log_across_batches_and_failures()
    {
        await Ledger.CreateAccountsCreatedAsync(Account(1), Account(2), Account(3));
        Assert.Equal(MerkleHash.EmptyRoot, await new MerkleLog(LogStore(Ledger.Store)).GetTreeHeadAsync(0, Ledger.Token));

        var created = new List<UInt128>();
        foreach (var size in new[] { 1, 2, 1, 37, 300, 5, 1200, 64 })
        {
            created.AddRange(await CommitAsync(Ledger.Engine, size));
        }

        // Several requests at once, so the engine gathers them into shared batches.
        var concurrent = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => CommitAsync(Ledger.Engine, 90)));
        created.AddRange(concurrent.SelectMany(c => c));

        var records = await AssertTreeAsync(Ledger.Store);
        Assert.Equal(created.Count, records.Count);
        foreach (var id in created)
        {
            var stored = await Ledger.TransferAsync(id);
            Assert.Equal(TransferRecord.Encode(stored.Transfer), records[checked((int)stored.LogIndex)]);
        }
    }

    [Fact]
    public async Task A_restarted_store_continues_the_tree()
    {
        await Ledger.CreateAccountsCreatedAsync(Account(1), Account(2), Account(3));
        await CommitAsync(Ledger.Engine, 333);
        var before = await AssertTreeAsync(Ledger.Store);

        await using var again = await Fixture.OpenAgainAsync(Ledger.Store, Ledger.Token);
        await using (var engine = new LedgerEngine(again, Ledger.Clock))
        {
            engine.Start();
            await CommitAsync(engine, 100);
            await CommitAsync(engine, 7);
        }

        var after = await AssertTreeAsync(again);
        Assert.True(after.Count > before.Count);
        Assert.Equal(before, after.Take(before.Count));

        // The first store reads the same tree.
        await AssertTreeAsync(Ledger.Store);
    }

    [Fact]
    public async Task A_log_without_nodes_is_back_filled_at_start_and_a_tree_with_holes_refuses_to_start()
    {
        await Ledger.CreateAccountsCreatedAsync(Account(1), Account(2), Account(3));
        await CommitAsync(Ledger.Engine, 700);
        await CommitAsync(Ledger.Engine, 101);
        var head = await Ledger.Store.GetHeadAsync(Ledger.Token);

        await Fixture.ExecuteSqlAsync(Ledger.Store, "DELETE FROM merkle_nodes", Ledger.Token);
        await using (var backfilled = await Fixture.OpenAgainAsync(Ledger.Store, Ledger.Token))
        {
            Assert.Equal(head, await backfilled.GetHeadAsync(Ledger.Token));
            await AssertTreeAsync(backfilled);
        }

        // One node of the right edge gone: extending the tree would build on a hole, so the store refuses.
        var (level, index) = MerkleFrontier.Keys(head.LogSize).First(k => k.Level > 0);
        await Fixture.ExecuteSqlAsync(Ledger.Store, $"DELETE FROM merkle_nodes WHERE level = {level} AND idx = {index}", Ledger.Token);
        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => Fixture.OpenAgainAsync(Ledger.Store, Ledger.Token));
        Assert.Contains("Merkle node", refused.Message, StringComparison.Ordinal);
    }

    /// <summary>
    /// Submits <paramref name="count"/> transfers that are created, plus events that fail and never become
    /// leaves: a transfer to a missing account, and a linked chain whose last event fails. Returns the ids created.
    /// </summary>
    private async Task<List<UInt128>> CommitAsync(LedgerEngine engine, int count)
    {
        var transfers = new List<Transfer>();
        var expected = new List<UInt128>();
        for (var i = 0; i < count; i++)
        {
            var debit = (UInt128)(ulong)random.Next(1, 4);
            var credit = debit % 3 + 1;
            var transfer = Transfer(Interlocked.Increment(ref nextId), debit, credit, (ulong)random.Next(1, 1000));
            transfers.Add(transfer);
            expected.Add(transfer.Id);
            if (i % 17 == 3)
            {
                transfers.Add(Transfer(Interlocked.Increment(ref nextId), 1, 99, 5));
            }

            if (i % 29 == 5)
            {
                transfers.Add(Transfer(Interlocked.Increment(ref nextId), 1, 2, 5).Linked());
                transfers.Add(Transfer(Interlocked.Increment(ref nextId), 2, 3, 5).Linked());
                transfers.Add(Transfer(Interlocked.Increment(ref nextId), 3, 3, 5));
            }
        }

        var outcome = await engine.CreateTransfersAsync(transfers, UInt128.Zero, Ledger.Token);
        var created = outcome.Results.Where(r => r.Result == CreateTransferResult.Created).Select(r => r.Id).ToList();
        Assert.Equal(expected, created);
        return created;
    }

    /// <summary>
    /// Reads every record of the log, builds the reference tree over them, and checks MerkleLog's tree heads
    /// and proofs against it (every size when small, a sample otherwise), and that sizes past the log are
    /// refused. Returns the records.
    /// </summary>
    private async Task<List<byte[]>> AssertTreeAsync(ILedgerStore store)
    {
        var logStore = LogStore(store);
        var head = await store.GetHeadAsync(Ledger.Token);
        var records = new List<byte[]>();
        while ((ulong)records.Count < head.LogSize)
        {
            var page = await logStore.GetLogRecordsAsync((ulong)records.Count, 1000, Ledger.Token);
            Assert.NotEmpty(page);
            foreach (var (index, record) in page)
            {
                Assert.Equal((ulong)records.Count, index);
                records.Add(record);
            }
        }

        Assert.Empty(await logStore.GetLogRecordsAsync(head.LogSize, 10, Ledger.Token));
        var reference = new ReferenceMerkleTree([.. records.Select(r => MerkleHash.Leaf(r))]);
        var log = new MerkleLog(logStore);
        var n = records.Count;
        var sizes = Sample(1, n, 60).Append(n).Distinct().ToList();
        foreach (var size in sizes)
        {
            var root = await log.GetTreeHeadAsync((ulong)size, Ledger.Token);
            Assert.Equal(reference.Root(size), root);
            foreach (var m in Sample(0, size - 1, 4).Append(size - 1))
            {
                var (leaf, path) = await log.GetInclusionProofAsync((ulong)m, (ulong)size, Ledger.Token);
                Assert.Equal(reference.Leaf(m), leaf);
                Assert.Equal(reference.Path(m, size), path);
                Assert.True(MerkleProofs.VerifyInclusion((ulong)m, (ulong)size, leaf, path, root));
            }

            foreach (var from in Sample(1, size, 3))
            {
                var proof = await log.GetConsistencyProofAsync((ulong)from, (ulong)size, Ledger.Token);
                Assert.Equal(from == size ? [] : reference.Proof(from, size), proof);
                Assert.True(MerkleProofs.VerifyConsistency((ulong)from, (ulong)size, reference.Root(from), root, proof));
            }
        }

        var past = (ulong)n + 1;
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(async () => await log.GetTreeHeadAsync(past, Ledger.Token));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(async () => await log.GetInclusionProofAsync(0, past, Ledger.Token));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(async () => await log.GetConsistencyProofAsync(1, past, Ledger.Token));
        return records;
    }

    /// <summary>Up to <paramref name="count"/> values in [low, high], the ends included.</summary>
    private IEnumerable<int> Sample(int low, int high, int count) =>
        high - low + 1 <= count
            ? Enumerable.Range(low, high - low + 1)
            : new[] { low, high }.Concat(Enumerable.Range(0, count - 2).Select(_ => random.Next(low, high + 1)));

    private static IMerkleLogStore LogStore(ILedgerStore store) =>
        store as IMerkleLogStore ?? throw new InvalidOperationException($"{store.GetType().Name} does not serve the Merkle log.");
}

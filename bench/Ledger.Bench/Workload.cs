using Ledger.Core.Codec;
using Ledger.Core.Commit;
using Ledger.Core.Domain;
using Ledger.Core.StateMachine;

namespace Ledger.Bench;

/// <summary>The accounts and transfers every part of the benchmark uses.</summary>
internal static class Workload
{
    public const uint Ledger = 840;
    public const ushort Code = 1;

    public static UInt128 AccountId(int index) => (UInt128)(ulong)(index + 1) << 64;

    public static async Task CreateAccountsAsync(LedgerEngine engine, int count)
    {
        for (var start = 0; start < count; start += LedgerLimits.EventsPerBatchMax)
        {
            var batch = new List<Account>();
            for (var i = start; i < Math.Min(count, start + LedgerLimits.EventsPerBatchMax); i++)
            {
                batch.Add(new Account { Id = AccountId(i), Ledger = Ledger, Code = Code });
            }

            var outcome = await engine.CreateAccountsAsync(batch, CancellationToken.None);
            if (outcome.Results.Any(r => r.Result != CreateAccountResult.Created))
            {
                throw new InvalidOperationException("Account creation failed.");
            }
        }
    }

    /// <summary>Transfers between two distinct random accounts; ids are UUIDv7, as API.md recommends.</summary>
    public static Transfer[] RandomTransfers(Random random, int accounts, int count)
    {
        var batch = new Transfer[count];
        for (var i = 0; i < count; i++)
        {
            var debit = random.Next(accounts);
            var credit = (debit + 1 + random.Next(accounts - 1)) % accounts;
            batch[i] = new Transfer
            {
                Id = Uuid.NewV7(),
                DebitAccountId = AccountId(debit),
                CreditAccountId = AccountId(credit),
                Amount = (UInt128)(ulong)random.Next(1, 1_000_000),
                Ledger = Ledger,
                Code = Code,
            };
        }

        return batch;
    }

    public static int CountCreated(CreateTransfersOutcome outcome)
    {
        var created = 0;
        foreach (var result in outcome.Results)
        {
            if (result.Result == CreateTransferResult.Created)
            {
                created++;
            }
        }

        return created;
    }
}

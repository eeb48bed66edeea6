using System.Text;
using FsCheck;
using FsCheck.Fluent;
using Ledger.Core.Domain;

namespace Ledger.Core.Tests.Properties;

/// <param name="Ledger">1 to 3.</param>
/// <param name="Limit">0 none, 1 debits_must_not_exceed_credits, 2 credits_must_not_exceed_debits.</param>
/// <param name="Owner">The participant (1 to 3) that owns the account.</param>
public readonly record struct AccountSpec(int Ledger, int Limit, bool History, int Owner);

/// <summary>
/// One event, still abstract: <see cref="Kind"/> (0 to 99) picks what sort of transfer it is and
/// <see cref="Seed"/> drives every other choice when the event is made concrete against the state the
/// batch meets. Removing events or batches (shrinking) therefore always leaves a valid scenario.
/// </summary>
public readonly record struct EventSpec(int Kind, int Seed, bool Linked);

/// <param name="AdvanceMilliseconds">How far the clock moves before the batch.</param>
/// <param name="ExpireFirst">Whether an expiry pulse runs before the batch.</param>
/// <param name="Principal">0 for the operator, else the participant submitting the request.</param>
public sealed record BatchSpec(int AdvanceMilliseconds, bool ExpireFirst, int Principal, EventSpec[] Events)
{
    public override string ToString() =>
        $"Batch(advance {AdvanceMilliseconds} ms, expire {ExpireFirst}, principal {Principal}, [{string.Join(", ", Events.Select(e => $"{e.Kind}/{e.Seed}{(e.Linked ? "/L" : "")}"))}])";
}

public sealed record Scenario(AccountSpec[] Accounts, BatchSpec[] Batches)
{
    public static Arbitrary<Scenario> Arbitrary { get; } = Arb.From(Generator(), Shrink);

    public override string ToString()
    {
        var text = new StringBuilder();
        text.Append("Scenario(accounts [")
            .AppendJoin(", ", Accounts.Select((a, i) => $"{i + 1}:L{a.Ledger}/limit{a.Limit}{(a.History ? "/h" : "")}/owner{a.Owner}"))
            .Append("], batches [");
        text.AppendJoin("; ", Batches.Select(b => b.ToString()));
        return text.Append("])").ToString();
    }

    private static Gen<Scenario> Generator()
    {
        var account =
            from limit in Gen.Frequency((6, Gen.Constant(0)), (2, Gen.Constant(1)), (2, Gen.Constant(2)))
            from history in Gen.Choose(0, 4)
            from owner in Gen.Choose(1, 3)
            select new AccountSpec(1, limit, history == 0, owner);
        var eventSpec =
            from kind in Gen.Choose(0, 99)
            from seed in Gen.Choose(0, int.MaxValue)
            from linked in Gen.Choose(0, 6)
            select new EventSpec(kind, seed, linked == 0);
        var batch =
            from advance in Gen.Frequency((3, Gen.Constant(0)), (5, Gen.Choose(1, 2500)), (1, Gen.Choose(2500, 6000)))
            from expire in Gen.Choose(0, 2)
            from principal in Gen.Frequency((6, Gen.Constant(0)), (1, Gen.Choose(1, 3)))
            from count in Gen.Choose(1, 12)
            from events in eventSpec.ArrayOf(count)
            select new BatchSpec(advance, expire == 0, principal, events);
        // Accounts are spread round-robin over two or three ledgers, so every ledger has a few.
        return
            from ledgers in Gen.Choose(2, 3)
            from accountCount in Gen.Choose(4, 9)
            from accounts in account.ArrayOf(accountCount)
            from batchCount in Gen.Choose(1, 6)
            from batches in batch.ArrayOf(batchCount)
            select new Scenario([.. accounts.Select((a, i) => a with { Ledger = (i % ledgers) + 1 })], batches);
    }

    /// <summary>Smaller scenarios: a batch fewer, an event fewer, a link or a principal dropped, an account fewer.</summary>
    private static IEnumerable<Scenario> Shrink(Scenario s)
    {
        for (var b = 0; b < s.Batches.Length; b++)
        {
            yield return s with { Batches = [.. s.Batches[..b], .. s.Batches[(b + 1)..]] };
        }

        for (var b = 0; b < s.Batches.Length; b++)
        {
            var batch = s.Batches[b];
            for (var e = 0; e < batch.Events.Length && batch.Events.Length > 1; e++)
            {
                yield return WithBatch(s, b, batch with { Events = [.. batch.Events[..e], .. batch.Events[(e + 1)..]] });
            }
        }

        for (var b = 0; b < s.Batches.Length; b++)
        {
            var batch = s.Batches[b];
            if (batch.Principal != 0)
            {
                yield return WithBatch(s, b, batch with { Principal = 0 });
            }

            if (batch.ExpireFirst)
            {
                yield return WithBatch(s, b, batch with { ExpireFirst = false });
            }

            for (var e = 0; e < batch.Events.Length; e++)
            {
                if (batch.Events[e].Linked)
                {
                    EventSpec[] events = [.. batch.Events];
                    events[e] = events[e] with { Linked = false };
                    yield return WithBatch(s, b, batch with { Events = events });
                }
            }
        }

        if (s.Accounts.Length > 2)
        {
            yield return s with { Accounts = s.Accounts[..^1] };
        }
    }

    private static Scenario WithBatch(Scenario s, int index, BatchSpec batch)
    {
        BatchSpec[] batches = [.. s.Batches];
        batches[index] = batch;
        return s with { Batches = batches };
    }
}

/// <summary>Turns an <see cref="EventSpec"/> into a concrete transfer against what the batch can see.</summary>
internal sealed class EventMaker(Scenario scenario, ReferenceLedger model)
{
    private static readonly UInt128 Half = UInt128.One << 127;

    private readonly List<Transfer> submitted = [];
    private readonly List<UInt128> pendingIds = [];
    private UInt128 nextId = 1000;

    public static UInt128 AccountId(int index) => (UInt128)(index + 1);

    public static uint LedgerOf(AccountSpec account) => (uint)account.Ledger;

    public Transfer Make(EventSpec spec)
    {
        var random = new Random(spec.Seed);
        var t = spec.Kind switch
        {
            < 30 => Plain(random),
            < 50 => PendingTransfer(random),
            < 62 => PostOrVoid(random, post: true),
            < 70 => PostOrVoid(random, post: false),
            < 82 => Duplicate(random),
            < 90 => Balancing(random),
            < 95 => Invalid(random),
            _ => Closing(random),
        };
        if (spec.Linked)
        {
            t = t with { Flags = t.Flags | TransferFlags.Linked };
        }

        submitted.Add(t);
        if ((t.Flags & TransferFlags.Pending) != 0 && (t.Flags & (TransferFlags.PostPending | TransferFlags.VoidPending)) == 0)
        {
            pendingIds.Add(t.Id);
        }

        return t;
    }

    private UInt128 NewId() => nextId++;

    private (UInt128 Debit, UInt128 Credit, uint Ledger) Pair(Random random)
    {
        var accounts = scenario.Accounts;
        var debit = random.Next(accounts.Length);
        var sameLedger = Enumerable.Range(0, accounts.Length).Where(i => i != debit && accounts[i].Ledger == accounts[debit].Ledger).ToList();
        int credit;
        if (sameLedger.Count > 0 && random.Next(10) != 0)
        {
            credit = sameLedger[random.Next(sameLedger.Count)];
        }
        else
        {
            credit = random.Next(accounts.Length);
        }

        return (AccountId(debit), AccountId(credit), LedgerOf(accounts[debit]));
    }

    private static UInt128 Amount(Random random) => random.Next(20) switch
    {
        < 9 => (UInt128)random.Next(1, 101),
        < 12 => (UInt128)random.Next(1, 1_000_001),
        < 14 => UInt128.MaxValue,
        < 16 => UInt128.MaxValue - (UInt128)random.Next(0, 1000),
        < 18 => random.Next(2) == 0 ? Half + (UInt128)random.Next(0, 1000) : Half - (UInt128)random.Next(1, 1000),
        _ => new UInt128((ulong)random.NextInt64(), (ulong)random.NextInt64()) | 1,
    };

    private static uint Timeout(Random random) => random.Next(3) == 0 ? 0u : (uint)random.Next(1, 4);

    private static ulong UserData64(Random random) => random.Next(4) == 0 ? (ulong)random.Next(1, 4) : 0;

    private Transfer Plain(Random random)
    {
        var (debit, credit, ledger) = Pair(random);
        return new Transfer { Id = NewId(), DebitAccountId = debit, CreditAccountId = credit, Amount = Amount(random), Ledger = ledger, Code = 1, UserData64 = UserData64(random) };
    }

    private Transfer PendingTransfer(Random random) =>
        Plain(random) with { Flags = TransferFlags.Pending, TimeoutSeconds = Timeout(random) };

    private Transfer Balancing(Random random)
    {
        var flags = random.Next(3) switch
        {
            0 => TransferFlags.BalancingDebit,
            1 => TransferFlags.BalancingCredit,
            _ => TransferFlags.BalancingDebit | TransferFlags.BalancingCredit,
        };
        if (random.Next(3) == 0)
        {
            flags |= TransferFlags.Pending;
        }

        return Plain(random) with { Flags = flags, Amount = random.Next(2) == 0 ? Transfer.AmountMax : Amount(random) };
    }

    private Transfer Closing(Random random)
    {
        var flags = random.Next(3) switch
        {
            0 => TransferFlags.ClosingDebit,
            1 => TransferFlags.ClosingCredit,
            _ => TransferFlags.ClosingDebit | TransferFlags.ClosingCredit,
        };
        return Plain(random) with { Flags = flags | TransferFlags.Pending, Amount = (UInt128)random.Next(1, 10), TimeoutSeconds = Timeout(random) };
    }

    private Transfer PostOrVoid(Random random, bool post)
    {
        // Mostly a pending transfer that exists (still pending, preferably), sometimes one this batch
        // submitted, now and then an unknown id.
        var committed = model.Pending.OrderBy(p => p.Key).Select(p => (p.Key, p.Value.Status)).ToList();
        var live = committed.Where(p => p.Status == ModelStatus.Pending).Select(p => p.Key).ToList();
        var pendingId = random.Next(20) switch
        {
            0 => (UInt128)random.Next(1000, 1100),
            < 12 when live.Count > 0 => live[random.Next(live.Count)],
            < 15 when committed.Count > 0 => committed[random.Next(committed.Count)].Key,
            _ when pendingIds.Count > 0 => pendingIds[random.Next(pendingIds.Count)],
            _ => (UInt128)random.Next(1000, 1100),
        };
        var pending = model.Transfers.TryGetValue(pendingId, out var known) ? known : submitted.LastOrDefault(s => s.Id == pendingId);
        var amount = random.Next(10) switch
        {
            < 5 => Transfer.AmountMax,
            < 8 => pending.Amount == UInt128.Zero ? (UInt128)1 : (UInt128)random.Next(1, 101) % pending.Amount + (random.Next(4) == 0 ? pending.Amount : 0),
            _ => Amount(random),
        };
        var t = new Transfer
        {
            Id = NewId(),
            PendingId = pendingId,
            Amount = amount,
            Flags = post ? TransferFlags.PostPending : TransferFlags.VoidPending,
            UserData64 = UserData64(random),
        };
        if (random.Next(5) == 0)
        {
            t = t with { DebitAccountId = pending.DebitAccountId, CreditAccountId = pending.CreditAccountId, Ledger = pending.Ledger, Code = pending.Code };
        }

        return t;
    }

    private Transfer Duplicate(Random random)
    {
        if (submitted.Count == 0)
        {
            return Plain(random);
        }

        // Half the time a transfer that was committed, so that most retries meet a stored transfer.
        var committed = model.Log;
        var original = committed.Count > 0 && random.Next(2) == 0 ? Stored(model.Transfers[committed[random.Next(committed.Count)]]) : submitted[random.Next(submitted.Count)];
        if (random.Next(3) == 0)
        {
            return original;
        }

        return random.Next(8) switch
        {
            0 => original with { Amount = original.Amount == UInt128.MaxValue ? 1 : original.Amount + 1 },
            1 => original with { UserData64 = original.UserData64 + 1 },
            2 => original with { UserData128 = 7 },
            3 => original with { UserData32 = 9 },
            4 => original with { Flags = original.Flags ^ TransferFlags.Linked },
            5 => original with { Code = 2 },
            6 => original with { TimeoutSeconds = original.TimeoutSeconds + 1 },
            _ => original with { Amount = original.Amount > 1 ? original.Amount - 1 : original.Amount },
        };
    }

    /// <summary>The request that would create <paramref name="stored"/> again: a post as the client wrote it (all fields inherited), a balancing transfer for as much as possible.</summary>
    private Transfer Stored(Transfer stored)
    {
        var request = stored with { Timestamp = 0 };
        if ((stored.Flags & (TransferFlags.PostPending | TransferFlags.VoidPending)) != 0)
        {
            return submitted.LastOrDefault(s => s.Id == stored.Id, request);
        }

        return (stored.Flags & (TransferFlags.BalancingDebit | TransferFlags.BalancingCredit)) != 0 ? request with { Amount = Transfer.AmountMax } : request;
    }

    private Transfer Invalid(Random random)
    {
        var t = Plain(random);
        return random.Next(9) switch
        {
            0 => t with { Id = 0 },
            1 => t with { Amount = 0 },
            2 => t with { CreditAccountId = t.DebitAccountId },
            3 => t with { CreditAccountId = 999 },
            4 => t with { Flags = (TransferFlags)(1 << 8) },
            5 => t with { Ledger = t.Ledger % 3 + 1 },
            6 => t with { Code = 0 },
            7 => t with { TimeoutSeconds = 1 },
            _ => t with { DebitAccountId = 998 },
        };
    }
}

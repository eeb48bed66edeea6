using Ledger.Core.Domain;
using Ledger.Core.Storage;

namespace Ledger.Core.StateMachine;

/// <summary>
/// The ledger's state machine: pure, no I/O. A batch runs in three steps, as in TigerBeetle:
/// <see cref="PlanTransfers"/> and <see cref="PlanAccounts"/> name what must be loaded, the caller loads
/// it into a <see cref="WorkingSet"/>, and <see cref="Execute"/> applies every request in order and
/// returns the results and the <see cref="CommitBatch"/> to write.
/// </summary>
internal static class LedgerStateMachine
{
    /// <summary>Ids of transfers the batch may refer to: its own ids and the pending ids it posts or voids.</summary>
    public static HashSet<UInt128> PlanTransfers(IReadOnlyList<LedgerRequest> requests)
    {
        var ids = new HashSet<UInt128>();
        foreach (var request in requests)
        {
            if (request is CreateTransfersRequest transfers)
            {
                foreach (var t in transfers.Transfers)
                {
                    ids.Add(t.Id);
                    if (t.PendingId != UInt128.Zero)
                    {
                        ids.Add(t.PendingId);
                    }
                }
            }
        }

        return ids;
    }

    /// <summary>Ids of accounts the batch may touch, given the transfers already loaded.</summary>
    public static HashSet<UInt128> PlanAccounts(IReadOnlyList<LedgerRequest> requests, IReadOnlyDictionary<UInt128, Transfer> loaded)
    {
        var ids = new HashSet<UInt128>();
        foreach (var request in requests)
        {
            switch (request)
            {
                case CreateAccountsRequest accounts:
                    foreach (var a in accounts.Accounts)
                    {
                        ids.Add(a.Id);
                    }

                    break;
                case CreateTransfersRequest transfers:
                    foreach (var t in transfers.Transfers)
                    {
                        ids.Add(t.DebitAccountId);
                        ids.Add(t.CreditAccountId);
                    }

                    break;
                default:
                    throw new ArgumentException($"Unknown request {request.GetType().Name}.", nameof(requests));
            }
        }

        foreach (var t in loaded.Values)
        {
            ids.Add(t.DebitAccountId);
            ids.Add(t.CreditAccountId);
        }

        ids.Remove(UInt128.Zero);
        return ids;
    }

    /// <summary>
    /// The first timestamp of a batch: the clock, but always after the last committed event, so that
    /// timestamps strictly increase in commit order even when the clock steps back.
    /// </summary>
    public static ulong FirstTimestamp(LedgerHead head, ulong now) => Math.Max(now, head.LastTimestamp + 1);

    public static BatchExecution Execute(WorkingSet set, IReadOnlyList<LedgerRequest> requests, LedgerHead head, ulong now)
    {
        set.SealLoaded();
        var timestamp = FirstTimestamp(head, now);
        var outcomes = new object[requests.Count];
        for (var r = 0; r < requests.Count; r++)
        {
            outcomes[r] = requests[r] switch
            {
                CreateTransfersRequest transfers => ExecuteTransfers(set, transfers, ref timestamp),
                CreateAccountsRequest accounts => ExecuteAccounts(set, accounts, ref timestamp),
                _ => throw new ArgumentException($"Unknown request {requests[r].GetType().Name}.", nameof(requests)),
            };
        }

        return new BatchExecution(outcomes, Seal(set, head, timestamp - 1));
    }

    /// <summary>Releases the holds of expired pending transfers (TigerBeetle's pulse).</summary>
    public static BatchExecution Expire(WorkingSet set, IReadOnlyList<PendingState> expired, LedgerHead head, ulong now)
    {
        set.SealLoaded();
        var timestamp = FirstTimestamp(head, now);
        var count = 0;
        foreach (var state in expired)
        {
            if (TransferRules.Expire(set, state.Id, timestamp))
            {
                count++;
            }
        }

        return new BatchExecution([count], Seal(set, head, timestamp));
    }

    private static CreateTransfersOutcome ExecuteTransfers(WorkingSet set, CreateTransfersRequest request, ref ulong timestamp)
    {
        var events = request.Transfers;
        var refused = FirstForeignDebit(set, request);
        if (refused >= 0)
        {
            timestamp += (ulong)events.Count;
            return new CreateTransfersOutcome([], refused);
        }

        var results = new TransferEventResult[events.Count];

        // A request on a participant's behalf may be refused as a whole, so it is journalled throughout.
        var wholeRequestUndo = request.Principal != UInt128.Zero;
        set.Journaling = true;
        var requestMark = set.MarkNow();
        var chainStart = -1;
        var chainBroken = false;
        var chainMark = requestMark;
        for (var i = 0; i < events.Count; i++)
        {
            var t = events[i];
            var eventTimestamp = timestamp++;
            var linked = (t.Flags & TransferFlags.Linked) != 0;
            if (chainStart < 0 && linked)
            {
                chainStart = i;
                chainBroken = false;
                set.Journaling = true;
                chainMark = set.MarkNow();
            }

            set.Journaling = wholeRequestUndo || chainStart >= 0;
            // A chain left open at the end of the request is named as such even when it already broke.
            CreateTransferResult result;
            if (linked && i == events.Count - 1)
            {
                result = CreateTransferResult.LinkedEventChainOpen;
            }
            else if (chainBroken)
            {
                result = CreateTransferResult.LinkedEventFailed;
            }
            else
            {
                result = TransferRules.Create(set, t, eventTimestamp, request.Principal, out var forbidden);
                if (forbidden)
                {
                    set.RollbackTo(requestMark);
                    return new CreateTransfersOutcome([], i);
                }
            }

            var resultTimestamp = result switch
            {
                CreateTransferResult.Created => eventTimestamp,
                CreateTransferResult.Exists => set.Transfers[t.Id].Timestamp,
                _ => eventTimestamp,
            };
            results[i] = new TransferEventResult(i, t.Id, result, resultTimestamp);

            // An exact duplicate is idempotent success; any other failure breaks the chain it is in.
            var failed = result is not (CreateTransferResult.Created or CreateTransferResult.Exists);
            if (chainStart >= 0 && failed && !chainBroken)
            {
                set.RollbackTo(chainMark);
                for (var j = chainStart; j < i; j++)
                {
                    results[j] = results[j] with { Result = CreateTransferResult.LinkedEventFailed };
                }

                chainBroken = true;
            }

            if (chainStart >= 0 && !linked)
            {
                chainStart = -1;
                chainBroken = false;
            }
        }

        return new CreateTransfersOutcome(results, -1);
    }

    /// <summary>
    /// The first event that names, as its debit, an account the request's principal does not own (for a
    /// post or void, the pending transfer's debit account), whatever else is wrong with the event:
    /// authorisation does not depend on validity. Pending transfers created earlier in the same request
    /// are checked again as the events run.
    /// </summary>
    private static int FirstForeignDebit(WorkingSet set, CreateTransfersRequest request)
    {
        if (request.Principal == UInt128.Zero)
        {
            return -1;
        }

        for (var i = 0; i < request.Transfers.Count; i++)
        {
            var t = request.Transfers[i];
            var debit = (t.Flags & (TransferFlags.PostPending | TransferFlags.VoidPending)) == 0 ? t.DebitAccountId
                : set.Transfers.TryGetValue(t.PendingId, out var pending) ? pending.DebitAccountId
                : UInt128.Zero;
            if (debit != UInt128.Zero && set.Accounts.TryGetValue(debit, out var account) && account.UserData128 != request.Principal)
            {
                return i;
            }

            // Closing an account is its owner's act: a closing_credit may not name another owner's account.
            if ((t.Flags & TransferFlags.ClosingCredit) != 0 && set.Accounts.TryGetValue(t.CreditAccountId, out var credited) && credited.UserData128 != request.Principal)
            {
                return i;
            }
        }

        return -1;
    }

    private static CreateAccountsOutcome ExecuteAccounts(WorkingSet set, CreateAccountsRequest request, ref ulong timestamp)
    {
        var events = request.Accounts;
        var results = new AccountEventResult[events.Count];
        set.Journaling = true;
        var chainStart = -1;
        var chainBroken = false;
        var chainMark = set.MarkNow();
        for (var i = 0; i < events.Count; i++)
        {
            var a = events[i];
            var eventTimestamp = timestamp++;
            var linked = (a.Flags & AccountFlags.Linked) != 0;
            if (chainStart < 0 && linked)
            {
                chainStart = i;
                chainBroken = false;
                chainMark = set.MarkNow();
            }

            var result = linked && i == events.Count - 1 ? CreateAccountResult.LinkedEventChainOpen
                : chainBroken ? CreateAccountResult.LinkedEventFailed
                : AccountRules.Create(set, a, eventTimestamp);
            var resultTimestamp = result == CreateAccountResult.Exists ? set.Accounts[a.Id].Timestamp : eventTimestamp;
            results[i] = new AccountEventResult(i, a.Id, result, resultTimestamp);
            var failed = result is not (CreateAccountResult.Created or CreateAccountResult.Exists);
            if (chainStart >= 0 && failed && !chainBroken)
            {
                set.RollbackTo(chainMark);
                for (var j = chainStart; j < i; j++)
                {
                    results[j] = results[j] with { Result = CreateAccountResult.LinkedEventFailed };
                }

                chainBroken = true;
            }

            if (chainStart >= 0 && !linked)
            {
                chainStart = -1;
                chainBroken = false;
            }
        }

        return new CreateAccountsOutcome(results);
    }

    private static CommitBatch Seal(WorkingSet set, LedgerHead head, ulong lastTimestamp)
    {
        var created = new HashSet<UInt128>(set.CreatedAccounts);
        var accountsCreated = new List<Account>(set.CreatedAccounts.Count);
        foreach (var id in set.CreatedAccounts)
        {
            accountsCreated.Add(set.Accounts[id]);
        }

        var accountsUpdated = new List<Account>();
        foreach (var (id, original) in set.OriginalAccounts)
        {
            var now = set.Accounts[id];
            if (now != original)
            {
                accountsUpdated.Add(now);
            }
        }

        var pendingCreated = new List<PendingState>();
        var pendingUpdated = new List<PendingState>();
        foreach (var (id, state) in set.Pending)
        {
            if (!set.OriginalPending.TryGetValue(id, out var original))
            {
                pendingCreated.Add(state);
            }
            else if (original != state)
            {
                pendingUpdated.Add(state);
            }
        }

        var newHead = new LedgerHead(Math.Max(head.LastTimestamp, lastTimestamp), head.LogSize + (ulong)set.CreatedTransfers.Count);
        var batch = new CommitBatch
        {
            PreviousHead = head,
            NewHead = newHead,
            AccountsCreated = accountsCreated,
            AccountsUpdated = accountsUpdated,
            TransfersCreated = set.CreatedTransfers,
            PendingCreated = pendingCreated,
            PendingUpdated = pendingUpdated,
            BalancesRecorded = set.Balances,
        };
        BatchInvariants.Assert(set, batch, created);
        return batch;
    }
}

/// <summary>The outcome of each request of a batch (in request order) and what to write.</summary>
internal sealed record BatchExecution(IReadOnlyList<object> Outcomes, CommitBatch Batch);

using Ledger.Core.Domain;

namespace Ledger.Core.StateMachine;

/// <summary>
/// The part of the ledger one batch touches, loaded before the batch runs. Every change is journalled
/// so that a failed linked chain, or a whole request refused for authorisation, can be undone exactly.
/// </summary>
internal sealed class WorkingSet
{
    private readonly List<Undo> journal = [];
    private readonly Dictionary<UInt128, Account> originalAccounts = [];
    private readonly Dictionary<UInt128, PendingState> originalPending = [];

    public Dictionary<UInt128, Account> Accounts { get; } = [];

    public Dictionary<UInt128, Transfer> Transfers { get; } = [];

    public Dictionary<UInt128, PendingState> Pending { get; } = [];

    /// <summary>Transfers created by this batch, in commit order.</summary>
    public List<Transfer> CreatedTransfers { get; } = [];

    /// <summary>Ids of accounts created by this batch, in commit order.</summary>
    public List<UInt128> CreatedAccounts { get; } = [];

    public List<AccountBalance> Balances { get; } = [];

    /// <summary>Remembers the loaded state, so the batch's net change can be found and checked at the end.</summary>
    public void SealLoaded()
    {
        foreach (var (id, account) in Accounts)
        {
            originalAccounts[id] = account;
        }

        foreach (var (id, state) in Pending)
        {
            originalPending[id] = state;
        }
    }

    public IReadOnlyDictionary<UInt128, Account> OriginalAccounts => originalAccounts;

    public IReadOnlyDictionary<UInt128, PendingState> OriginalPending => originalPending;

    public Mark MarkNow() => new(journal.Count, CreatedTransfers.Count, CreatedAccounts.Count, Balances.Count);

    public void PutAccount(in Account account)
    {
        var existed = Accounts.TryGetValue(account.Id, out var previous);
        journal.Add(new Undo(UndoKind.Account, account.Id, existed, previous, default, default));
        Accounts[account.Id] = account;
    }

    public void AddAccount(in Account account)
    {
        PutAccount(account);
        CreatedAccounts.Add(account.Id);
    }

    public void AddTransfer(in Transfer transfer)
    {
        journal.Add(new Undo(UndoKind.Transfer, transfer.Id, false, default, default, default));
        Transfers.Add(transfer.Id, transfer);
        CreatedTransfers.Add(transfer);
    }

    public void PutPending(in PendingState state)
    {
        var existed = Pending.TryGetValue(state.Id, out var previous);
        journal.Add(new Undo(UndoKind.Pending, state.Id, existed, default, default, previous));
        Pending[state.Id] = state;
    }

    public void RecordBalance(in Account account, ulong timestamp)
    {
        if ((account.Flags & AccountFlags.History) != 0)
        {
            Balances.Add(new AccountBalance(account.Id, timestamp, account.DebitsPending, account.DebitsPosted, account.CreditsPending, account.CreditsPosted));
        }
    }

    /// <summary>Undoes every change made since <paramref name="mark"/>, newest first.</summary>
    public void RollbackTo(Mark mark)
    {
        for (var i = journal.Count - 1; i >= mark.Journal; i--)
        {
            var undo = journal[i];
            switch (undo.Kind)
            {
                case UndoKind.Account:
                    if (undo.Existed)
                    {
                        Accounts[undo.Id] = undo.Account;
                    }
                    else
                    {
                        Accounts.Remove(undo.Id);
                    }

                    break;
                case UndoKind.Transfer:
                    Transfers.Remove(undo.Id);
                    break;
                case UndoKind.Pending:
                    if (undo.Existed)
                    {
                        Pending[undo.Id] = undo.PendingState;
                    }
                    else
                    {
                        Pending.Remove(undo.Id);
                    }

                    break;
                default:
                    throw new LedgerInvariantException($"Unknown undo kind {undo.Kind}.");
            }
        }

        journal.RemoveRange(mark.Journal, journal.Count - mark.Journal);
        CreatedTransfers.RemoveRange(mark.Transfers, CreatedTransfers.Count - mark.Transfers);
        CreatedAccounts.RemoveRange(mark.Accounts, CreatedAccounts.Count - mark.Accounts);
        Balances.RemoveRange(mark.Balances, Balances.Count - mark.Balances);
    }

    internal readonly record struct Mark(int Journal, int Transfers, int Accounts, int Balances);

    private enum UndoKind : byte
    {
        Account,
        Transfer,
        Pending,
    }

    private readonly record struct Undo(UndoKind Kind, UInt128 Id, bool Existed, Account Account, Transfer Transfer, PendingState PendingState);
}

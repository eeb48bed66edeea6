using Ledger.Core.Domain;

namespace Ledger.Core.StateMachine;

/// <summary>
/// The part of the ledger one batch touches, loaded before the batch runs. Every change is journalled
/// so that a failed linked chain, or a whole request refused for authorisation, can be undone exactly.
/// </summary>
internal sealed class WorkingSet
{
    private readonly List<(UInt128 Id, bool Existed, Account Previous)> accountJournal = [];
    private readonly List<UInt128> transferJournal = [];
    private readonly List<(UInt128 Id, bool Existed, PendingState Previous)> pendingJournal = [];
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

    /// <summary>
    /// Whether changes are journalled. Only a linked chain or a request that may be refused as a whole
    /// can need an undo; a lone event that fails has changed nothing, so outside those the journal is off.
    /// </summary>
    public bool Journaling { get; set; } = true;

    public Mark MarkNow() => new(accountJournal.Count, transferJournal.Count, pendingJournal.Count, CreatedTransfers.Count, CreatedAccounts.Count, Balances.Count);

    public void PutAccount(in Account account)
    {
        if (Journaling)
        {
            var existed = Accounts.TryGetValue(account.Id, out var previous);
            accountJournal.Add((account.Id, existed, previous));
        }

        Accounts[account.Id] = account;
    }

    public void AddAccount(in Account account)
    {
        PutAccount(account);
        CreatedAccounts.Add(account.Id);
    }

    public void AddTransfer(in Transfer transfer)
    {
        if (Journaling)
        {
            transferJournal.Add(transfer.Id);
        }

        Transfers.Add(transfer.Id, transfer);
        CreatedTransfers.Add(transfer);
    }

    public void PutPending(in PendingState state)
    {
        if (Journaling)
        {
            var existed = Pending.TryGetValue(state.Id, out var previous);
            pendingJournal.Add((state.Id, existed, previous));
        }

        Pending[state.Id] = state;
    }

    public void RecordBalance(in Account account, ulong timestamp)
    {
        if ((account.Flags & AccountFlags.History) != 0)
        {
            Balances.Add(new AccountBalance(account.Id, timestamp, account.DebitsPending, account.DebitsPosted, account.CreditsPending, account.CreditsPosted));
        }
    }

    /// <summary>
    /// Undoes every change made since <paramref name="mark"/>. Each kind is undone newest first; the kinds
    /// live in separate maps, so undoing them one kind at a time gives the same state as one interleaved undo.
    /// </summary>
    public void RollbackTo(Mark mark)
    {
        if (!Journaling)
        {
            throw new LedgerInvariantException("A rollback was asked for while the journal was off.");
        }

        for (var i = accountJournal.Count - 1; i >= mark.AccountJournal; i--)
        {
            var (id, existed, previous) = accountJournal[i];
            if (existed)
            {
                Accounts[id] = previous;
            }
            else
            {
                Accounts.Remove(id);
            }
        }

        for (var i = transferJournal.Count - 1; i >= mark.TransferJournal; i--)
        {
            Transfers.Remove(transferJournal[i]);
        }

        for (var i = pendingJournal.Count - 1; i >= mark.PendingJournal; i--)
        {
            var (id, existed, previous) = pendingJournal[i];
            if (existed)
            {
                Pending[id] = previous;
            }
            else
            {
                Pending.Remove(id);
            }
        }

        accountJournal.RemoveRange(mark.AccountJournal, accountJournal.Count - mark.AccountJournal);
        transferJournal.RemoveRange(mark.TransferJournal, transferJournal.Count - mark.TransferJournal);
        pendingJournal.RemoveRange(mark.PendingJournal, pendingJournal.Count - mark.PendingJournal);
        CreatedTransfers.RemoveRange(mark.Transfers, CreatedTransfers.Count - mark.Transfers);
        CreatedAccounts.RemoveRange(mark.Accounts, CreatedAccounts.Count - mark.Accounts);
        Balances.RemoveRange(mark.Balances, Balances.Count - mark.Balances);
    }

    internal readonly record struct Mark(int AccountJournal, int TransferJournal, int PendingJournal, int Transfers, int Accounts, int Balances);
}

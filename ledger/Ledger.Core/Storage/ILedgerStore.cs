using Ledger.Core.Domain;

namespace Ledger.Core.Storage;

/// <summary>
/// The system of record behind the ledger. The state machine never calls it: the commit pipeline
/// loads what a batch needs through an <see cref="ICommitSession"/>, runs the state machine in memory,
/// and hands the resulting <see cref="CommitBatch"/> back. Reads see only committed data.
/// </summary>
public interface ILedgerStore : IAsyncDisposable
{
    /// <summary>Creates or migrates the schema; safe to call more than once.</summary>
    ValueTask InitializeAsync(CancellationToken cancellationToken);

    ValueTask<ICommitSession> BeginCommitAsync(CancellationToken cancellationToken);

    ValueTask<LedgerHead> GetHeadAsync(CancellationToken cancellationToken);

    ValueTask<Account?> GetAccountAsync(UInt128 id, CancellationToken cancellationToken);

    ValueTask<StoredTransfer?> GetTransferAsync(UInt128 id, CancellationToken cancellationToken);

    /// <summary>Transfers that debit or credit the account with a timestamp after <paramref name="afterTimestamp"/>, oldest first.</summary>
    ValueTask<IReadOnlyList<StoredTransfer>> GetAccountTransfersAsync(UInt128 accountId, ulong afterTimestamp, int limit, CancellationToken cancellationToken);

    /// <summary>Balance snapshots of a history account after <paramref name="afterTimestamp"/>, oldest first.</summary>
    ValueTask<IReadOnlyList<AccountBalance>> GetAccountBalancesAsync(UInt128 accountId, ulong afterTimestamp, int limit, CancellationToken cancellationToken);

    /// <summary>Per ledger, the sums of all accounts' four balances: the input of the books-balance check.</summary>
    ValueTask<IReadOnlyList<LedgerTotals>> GetLedgerTotalsAsync(CancellationToken cancellationToken);

    /// <summary>The earliest expiry among transfers still pending, or null when none will expire.</summary>
    ValueTask<ulong?> GetNextExpiryAsync(CancellationToken cancellationToken);
}

/// <summary>The sums of one ledger's balances. In a sound ledger debits equal credits, pending and posted.</summary>
public readonly record struct LedgerTotals(uint Ledger, UInt128 DebitsPending, UInt128 DebitsPosted, UInt128 CreditsPending, UInt128 CreditsPosted)
{
    public bool Balanced => DebitsPending == CreditsPending && DebitsPosted == CreditsPosted;

    /// <summary>
    /// These sums with one more account of the ledger added. Sums are modulo 2^128 (unchecked on purpose):
    /// a ledger's balances may add past 2^128 in total, and equality modulo 2^128 is what the
    /// books-balance check compares.
    /// </summary>
    public LedgerTotals Plus(in Account account) => unchecked(new LedgerTotals(
        account.Ledger,
        DebitsPending + account.DebitsPending,
        DebitsPosted + account.DebitsPosted,
        CreditsPending + account.CreditsPending,
        CreditsPosted + account.CreditsPosted));
}

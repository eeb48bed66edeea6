using Ledger.Core.Cluster;
using Ledger.Core.Directory;
using Ledger.Core.Domain;
using Ledger.Core.Escrows;
using Ledger.Core.Payments;
using Ledger.Core.Payouts;
using Ledger.Core.Storage;
using Microsoft.Data.Sqlite;

namespace Ledger.Api.Tests.Infrastructure;

/// <summary>
/// The real SQLite store with a switch that makes every call fail as a disk I/O error would. A stand-in
/// for what cannot be provoked on demand here (a failing disk), and only for that.
/// </summary>
public sealed partial class FaultyStore(ILedgerStore inner) : ILedgerStore, IDirectoryStore, ILeaseStore, IPaymentStore, IPayoutStore, IEscrowStore
{
    private const int SqliteIoError = 10;

    private readonly IDirectoryStore directory = (IDirectoryStore)inner;
    private readonly ILeaseStore leases = (ILeaseStore)inner;
    private volatile bool failing;

    public bool Failing
    {
        get => failing;
        set => failing = value;
    }

    public ValueTask InitializeAsync(CancellationToken cancellationToken) => inner.InitializeAsync(cancellationToken);

    public ValueTask<ICommitSession> BeginCommitAsync(CancellationToken cancellationToken) { Check(); return inner.BeginCommitAsync(cancellationToken); }

    public ValueTask<LedgerHead> GetHeadAsync(CancellationToken cancellationToken) { Check(); return inner.GetHeadAsync(cancellationToken); }

    public ValueTask<Account?> GetAccountAsync(UInt128 id, CancellationToken cancellationToken) { Check(); return inner.GetAccountAsync(id, cancellationToken); }

    public ValueTask<StoredTransfer?> GetTransferAsync(UInt128 id, CancellationToken cancellationToken) { Check(); return inner.GetTransferAsync(id, cancellationToken); }

    public ValueTask<IReadOnlyList<StoredTransfer>> GetAccountTransfersAsync(UInt128 accountId, ulong afterTimestamp, int limit, CancellationToken cancellationToken) { Check(); return inner.GetAccountTransfersAsync(accountId, afterTimestamp, limit, cancellationToken); }

    public ValueTask<IReadOnlyList<AccountBalance>> GetAccountBalancesAsync(UInt128 accountId, ulong afterTimestamp, int limit, CancellationToken cancellationToken) { Check(); return inner.GetAccountBalancesAsync(accountId, afterTimestamp, limit, cancellationToken); }

    public ValueTask<IReadOnlyList<LedgerTotals>> GetLedgerTotalsAsync(CancellationToken cancellationToken) { Check(); return inner.GetLedgerTotalsAsync(cancellationToken); }

    public ValueTask<ulong?> GetNextExpiryAsync(CancellationToken cancellationToken) { Check(); return inner.GetNextExpiryAsync(cancellationToken); }

    public ValueTask<Participant?> GetParticipantAsync(UInt128 id, CancellationToken cancellationToken) { Check(); return directory.GetParticipantAsync(id, cancellationToken); }

    public ValueTask<IReadOnlyList<Participant>> ListParticipantsAsync(CancellationToken cancellationToken) { Check(); return directory.ListParticipantsAsync(cancellationToken); }

    public ValueTask<bool> TryAddParticipantAsync(Participant participant, byte[] apiKeyHash, CancellationToken cancellationToken) { Check(); return directory.TryAddParticipantAsync(participant, apiKeyHash, cancellationToken); }

    public ValueTask SetApiKeyHashAsync(UInt128 participantId, byte[] apiKeyHash, CancellationToken cancellationToken) { Check(); return directory.SetApiKeyHashAsync(participantId, apiKeyHash, cancellationToken); }

    public ValueTask<bool> SetKycStatusAsync(UInt128 participantId, KycStatus status, CancellationToken cancellationToken) { Check(); return directory.SetKycStatusAsync(participantId, status, cancellationToken); }

    public ValueTask<Participant?> FindByApiKeyHashAsync(byte[] apiKeyHash, CancellationToken cancellationToken) { Check(); return directory.FindByApiKeyHashAsync(apiKeyHash, cancellationToken); }

    public ValueTask<IReadOnlyList<Currency>> ListCurrenciesAsync(CancellationToken cancellationToken) { Check(); return directory.ListCurrenciesAsync(cancellationToken); }

    public ValueTask<bool> TryAddCurrencyAsync(Currency currency, CancellationToken cancellationToken) { Check(); return directory.TryAddCurrencyAsync(currency, cancellationToken); }

    public ValueTask<LeaseGrant?> TryAcquireAsync(string name, string holder, TimeSpan duration, CancellationToken cancellationToken) { Check(); return leases.TryAcquireAsync(name, holder, duration, cancellationToken); }

    public ValueTask ReleaseAsync(string name, string holder, CancellationToken cancellationToken) { Check(); return leases.ReleaseAsync(name, holder, cancellationToken); }

    public ValueTask<LeaseGrant?> GetLeaseAsync(string name, CancellationToken cancellationToken) { Check(); return leases.GetLeaseAsync(name, cancellationToken); }

    public ValueTask DisposeAsync() => inner.DisposeAsync();

    private void Check()
    {
        if (failing)
        {
            throw new SqliteException("disk I/O error (injected by the test)", SqliteIoError);
        }
    }
}

namespace Ledger.Core.Directory;

/// <summary>Participants, their API key hashes, and currencies. Keys are stored only as hashes.</summary>
public interface IDirectoryStore
{
    ValueTask<Participant?> GetParticipantAsync(UInt128 id, CancellationToken cancellationToken);

    ValueTask<IReadOnlyList<Participant>> ListParticipantsAsync(CancellationToken cancellationToken);

    /// <summary>Adds the participant with its key hash; false when the id is taken (nothing is changed then).</summary>
    ValueTask<bool> TryAddParticipantAsync(Participant participant, byte[] apiKeyHash, CancellationToken cancellationToken);

    /// <summary>Replaces a participant's key hash (the operator's, when its configured key changes).</summary>
    ValueTask SetApiKeyHashAsync(UInt128 participantId, byte[] apiKeyHash, CancellationToken cancellationToken);

    /// <summary>Sets a participant's KYC status; false when there is no such participant.</summary>
    ValueTask<bool> SetKycStatusAsync(UInt128 participantId, KycStatus status, CancellationToken cancellationToken);

    ValueTask<Participant?> FindByApiKeyHashAsync(byte[] apiKeyHash, CancellationToken cancellationToken);

    ValueTask<IReadOnlyList<Currency>> ListCurrenciesAsync(CancellationToken cancellationToken);

    /// <summary>Adds the currency; false when its code or its ledger is taken (nothing is changed then).</summary>
    ValueTask<bool> TryAddCurrencyAsync(Currency currency, CancellationToken cancellationToken);
}

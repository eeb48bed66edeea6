using Ledger.Core.Directory;
using Microsoft.Data.Sqlite;

namespace Ledger.Storage.Sqlite;

/// <summary>Participants, key hashes and currencies, in the same database file as the ledger.</summary>
public sealed partial class SqliteLedgerStore : IDirectoryStore
{
    private const string ParticipantColumns = "id, name, role, country, kyc_status, created_at";

    public async ValueTask<Participant?> GetParticipantAsync(UInt128 id, CancellationToken cancellationToken)
    {
        await using var connection = await OpenReaderAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {ParticipantColumns} FROM participants WHERE id = $id";
        command.Parameters.AddWithValue("$id", Blob.From(id));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? ReadParticipant(reader) : null;
    }

    public async ValueTask<IReadOnlyList<Participant>> ListParticipantsAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenReaderAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {ParticipantColumns} FROM participants ORDER BY created_at, id";
        var participants = new List<Participant>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            participants.Add(ReadParticipant(reader));
        }

        return participants;
    }

    public async ValueTask<bool> TryAddParticipantAsync(Participant participant, byte[] apiKeyHash, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(participant);
        ArgumentNullException.ThrowIfNull(apiKeyHash);
        await using var connection = await OpenWriterAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = $"INSERT INTO participants ({ParticipantColumns}, api_key_hash) VALUES ($id, $name, $role, $country, $kyc, $at, $hash) ON CONFLICT (id) DO NOTHING";
        command.Parameters.AddWithValue("$id", Blob.From(participant.Id));
        command.Parameters.AddWithValue("$name", participant.Name);
        command.Parameters.AddWithValue("$role", (long)participant.Role);
        command.Parameters.AddWithValue("$country", participant.Country);
        command.Parameters.AddWithValue("$kyc", (long)participant.KycStatus);
        command.Parameters.AddWithValue("$at", participant.CreatedAt.UtcDateTime.ToString("O"));
        command.Parameters.AddWithValue("$hash", apiKeyHash);
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    public async ValueTask SetApiKeyHashAsync(UInt128 participantId, byte[] apiKeyHash, CancellationToken cancellationToken)
    {
        await using var connection = await OpenWriterAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "UPDATE participants SET api_key_hash = $hash WHERE id = $id";
        command.Parameters.AddWithValue("$id", Blob.From(participantId));
        command.Parameters.AddWithValue("$hash", apiKeyHash);
        if (await command.ExecuteNonQueryAsync(cancellationToken) != 1)
        {
            throw new InvalidOperationException("No such participant.");
        }
    }

    public async ValueTask<bool> SetKycStatusAsync(UInt128 participantId, KycStatus status, CancellationToken cancellationToken)
    {
        if (!Enum.IsDefined(status))
        {
            throw new ArgumentOutOfRangeException(nameof(status), status, "Not a KYC status.");
        }

        await using var connection = await OpenWriterAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "UPDATE participants SET kyc_status = $kyc WHERE id = $id";
        command.Parameters.AddWithValue("$id", Blob.From(participantId));
        command.Parameters.AddWithValue("$kyc", (long)status);
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    public async ValueTask<Participant?> FindByApiKeyHashAsync(byte[] apiKeyHash, CancellationToken cancellationToken)
    {
        await using var connection = await OpenReaderAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {ParticipantColumns} FROM participants WHERE api_key_hash = $hash";
        command.Parameters.AddWithValue("$hash", apiKeyHash);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? ReadParticipant(reader) : null;
    }

    public async ValueTask<IReadOnlyList<Currency>> ListCurrenciesAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenReaderAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT code, ledger, scale FROM currencies ORDER BY code";
        var currencies = new List<Currency>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            currencies.Add(new Currency(reader.GetString(0), (uint)reader.GetInt64(1), (byte)reader.GetInt64(2)));
        }

        return currencies;
    }

    public async ValueTask<bool> TryAddCurrencyAsync(Currency currency, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(currency);
        await using var connection = await OpenWriterAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "INSERT INTO currencies (code, ledger, scale) VALUES ($code, $ledger, $scale) ON CONFLICT DO NOTHING";
        command.Parameters.AddWithValue("$code", currency.Code);
        command.Parameters.AddWithValue("$ledger", (long)currency.Ledger);
        command.Parameters.AddWithValue("$scale", (long)currency.Scale);
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    private static void SeedCurrencies(SqliteConnection connection)
    {
        foreach (var currency in Currency.Defaults)
        {
            using var command = connection.CreateCommand();
            command.CommandText = "INSERT INTO currencies (code, ledger, scale) VALUES ($code, $ledger, $scale) ON CONFLICT DO NOTHING";
            command.Parameters.AddWithValue("$code", currency.Code);
            command.Parameters.AddWithValue("$ledger", (long)currency.Ledger);
            command.Parameters.AddWithValue("$scale", (long)currency.Scale);
            command.ExecuteNonQuery();
        }
    }

    private static Participant ReadParticipant(SqliteDataReader reader) => new(
        Blob.ToUInt128((byte[])reader[0]),
        reader.GetString(1),
        (ParticipantRole)reader.GetInt64(2),
        reader.GetString(3),
        (KycStatus)reader.GetInt64(4),
        DateTimeOffset.Parse(reader.GetString(5), System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal));

    /// <summary>Directory writes are rare; they use their own connection, with the same durability as the ledger.</summary>
    private async Task<SqliteConnection> OpenWriterAsync(CancellationToken cancellationToken)
    {
        var connection = await OpenReaderAsync(cancellationToken);
        Execute(connection, "PRAGMA synchronous=FULL");
        return connection;
    }
}

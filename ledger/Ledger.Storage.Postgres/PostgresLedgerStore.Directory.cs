using Ledger.Core.Directory;
using Npgsql;

namespace Ledger.Storage.Postgres;

/// <summary>Participants, key hashes and currencies, in the same database as the ledger.</summary>
public sealed partial class PostgresLedgerStore : IDirectoryStore
{
    private const string ParticipantColumns = "id, name, role, country, kyc_status, created_at_ticks";

    public async ValueTask<Participant?> GetParticipantAsync(UInt128 id, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"SELECT {ParticipantColumns} FROM participants WHERE id = $1");
        command.Parameters.Add(PostgresRows.Id(id));
        return await ReadParticipantAsync(command, cancellationToken);
    }

    public async ValueTask<IReadOnlyList<Participant>> ListParticipantsAsync(CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"SELECT {ParticipantColumns} FROM participants ORDER BY created_at_ticks, id");
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
        await using var command = dataSource.CreateCommand(
            $"INSERT INTO participants ({ParticipantColumns}, api_key_hash) VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (id) DO NOTHING");
        command.Parameters.Add(PostgresRows.Id(participant.Id));
        command.Parameters.Add(PostgresRows.Text(participant.Name));
        command.Parameters.Add(PostgresRows.SmallInt((short)participant.Role));
        command.Parameters.Add(PostgresRows.Text(participant.Country));
        command.Parameters.Add(PostgresRows.SmallInt((short)participant.KycStatus));
        command.Parameters.Add(PostgresRows.BigInt(participant.CreatedAt.UtcTicks));
        command.Parameters.Add(PostgresRows.Bytea(apiKeyHash));
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    public async ValueTask SetApiKeyHashAsync(UInt128 participantId, byte[] apiKeyHash, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(apiKeyHash);
        await using var command = dataSource.CreateCommand("UPDATE participants SET api_key_hash = $2 WHERE id = $1");
        command.Parameters.Add(PostgresRows.Id(participantId));
        command.Parameters.Add(PostgresRows.Bytea(apiKeyHash));
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

        await using var command = dataSource.CreateCommand("UPDATE participants SET kyc_status = $2 WHERE id = $1");
        command.Parameters.Add(PostgresRows.Id(participantId));
        command.Parameters.Add(PostgresRows.SmallInt((short)status));
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    public async ValueTask<Participant?> FindByApiKeyHashAsync(byte[] apiKeyHash, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(apiKeyHash);
        await using var command = dataSource.CreateCommand($"SELECT {ParticipantColumns} FROM participants WHERE api_key_hash = $1");
        command.Parameters.Add(PostgresRows.Bytea(apiKeyHash));
        return await ReadParticipantAsync(command, cancellationToken);
    }

    public async ValueTask<IReadOnlyList<Currency>> ListCurrenciesAsync(CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("SELECT code, ledger, scale FROM currencies ORDER BY code");
        var currencies = new List<Currency>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            currencies.Add(new Currency(reader.GetString(0), checked((uint)reader.GetInt64(1)), checked((byte)reader.GetInt16(2))));
        }

        return currencies;
    }

    public async ValueTask<bool> TryAddCurrencyAsync(Currency currency, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(currency);
        await using var command = dataSource.CreateCommand("INSERT INTO currencies (code, ledger, scale) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING");
        command.Parameters.Add(PostgresRows.Text(currency.Code));
        command.Parameters.Add(PostgresRows.BigInt(currency.Ledger));
        command.Parameters.Add(PostgresRows.SmallInt(currency.Scale));
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    private static async Task<Participant?> ReadParticipantAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? ReadParticipant(reader) : null;
    }

    private static Participant ReadParticipant(NpgsqlDataReader reader) => new(
        PostgresRows.ToUInt128(reader.GetFieldValue<byte[]>(0)),
        reader.GetString(1),
        (ParticipantRole)reader.GetInt16(2),
        reader.GetString(3),
        (KycStatus)reader.GetInt16(4),
        new DateTimeOffset(reader.GetInt64(5), TimeSpan.Zero));
}

using System.Text;
using Ledger.Core.Codec;
using Ledger.Core.Domain;
using Microsoft.Data.Sqlite;

namespace Ledger.Storage.Sqlite;

/// <summary>Row mapping shared by reads and the commit session.</summary>
internal static class SqliteRows
{
    public const string TransferColumns = "t.log_index, t.record, p.status, p.expires_at, p.resolved_at";

    public const string TransferFrom = "transfers t LEFT JOIN pending_transfers p ON p.id = t.id";

    public static StoredTransfer ReadStoredTransfer(SqliteDataReader reader)
    {
        var transfer = TransferRecord.Decode((byte[])reader[1]);
        PendingState? pending = reader.IsDBNull(2)
            ? null
            : new PendingState(transfer.Id, (PendingStatus)reader.GetInt64(2), Blob.ToUInt64(reader.GetInt64(3)), Blob.ToUInt64(reader.GetInt64(4)));
        return new StoredTransfer(transfer, Blob.ToUInt64(reader.GetInt64(0)), pending);
    }

    /// <summary>A JSON array of hex strings, read back in SQL by json_each and unhex: one parameter for any number of ids.</summary>
    public static string HexArray(IReadOnlyCollection<UInt128> ids)
    {
        var builder = new StringBuilder(2 + (ids.Count * 35));
        builder.Append('[');
        Span<byte> bytes = stackalloc byte[16];
        var first = true;
        foreach (var id in ids)
        {
            if (!first)
            {
                builder.Append(',');
            }

            first = false;
            System.Buffers.Binary.BinaryPrimitives.WriteUInt128BigEndian(bytes, id);
            builder.Append('"').Append(Convert.ToHexString(bytes)).Append('"');
        }

        return builder.Append(']').ToString();
    }
}

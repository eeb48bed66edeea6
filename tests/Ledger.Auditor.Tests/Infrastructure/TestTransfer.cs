using System.Buffers.Binary;
using System.Globalization;
using System.Text.Json.Nodes;

namespace Ledger.Auditor.Tests.Infrastructure;

/// <summary>
/// A transfer written out by hand twice: as the 128-byte record of PROOFS.md (each field at its offset,
/// big-endian) and as the JSON object API.md's GET /v1/transfers/{id} returns.
/// </summary>
internal sealed record TestTransfer
{
    public Guid Id { get; init; } = Guid.Parse("0190a3c4-1b2c-7d3e-8f40-5a6b7c8d9e0f");

    public Guid DebitAccountId { get; init; } = Guid.Parse("0190a3c4-0000-7000-8000-00000000000a");

    public Guid CreditAccountId { get; init; } = Guid.Parse("0190a3c4-0000-7000-8000-00000000000b");

    public UInt128 Amount { get; init; } = UInt128.Parse("340282366920938463463374607431768211455", CultureInfo.InvariantCulture);

    public Guid? PendingId { get; init; }

    public Guid? Reference { get; init; } = Guid.Parse("ffeeddcc-bbaa-4988-8776-655443322110");

    public ulong UserData64 { get; init; } = 18_446_744_073_709_551_615;

    public uint UserData32 { get; init; } = 4_000_000_001;

    public uint TimeoutSeconds { get; init; } = 3600;

    public uint Ledger { get; init; } = 840;

    public string Currency { get; init; } = "USD";

    public ushort Code { get; init; } = 65535;

    public ushort Flags { get; init; } = 0b1100_0011;

    public IReadOnlyList<string> FlagNames { get; init; } = ["linked", "pending", "closing_debit", "closing_credit"];

    public ulong TimestampNs { get; init; } = 1_760_000_000_123_456_789;

    public ulong LogIndex { get; init; }

    public byte[] Record()
    {
        var record = new byte[128];
        Id.TryWriteBytes(record.AsSpan(0, 16), bigEndian: true, out _);
        DebitAccountId.TryWriteBytes(record.AsSpan(16, 16), bigEndian: true, out _);
        CreditAccountId.TryWriteBytes(record.AsSpan(32, 16), bigEndian: true, out _);
        BinaryPrimitives.WriteUInt128BigEndian(record.AsSpan(48, 16), Amount);
        PendingId?.TryWriteBytes(record.AsSpan(64, 16), bigEndian: true, out _);
        Reference?.TryWriteBytes(record.AsSpan(80, 16), bigEndian: true, out _);
        BinaryPrimitives.WriteUInt64BigEndian(record.AsSpan(96, 8), UserData64);
        BinaryPrimitives.WriteUInt32BigEndian(record.AsSpan(104, 4), UserData32);
        BinaryPrimitives.WriteUInt32BigEndian(record.AsSpan(108, 4), TimeoutSeconds);
        BinaryPrimitives.WriteUInt32BigEndian(record.AsSpan(112, 4), Ledger);
        BinaryPrimitives.WriteUInt16BigEndian(record.AsSpan(116, 2), Code);
        BinaryPrimitives.WriteUInt16BigEndian(record.AsSpan(118, 2), Flags);
        BinaryPrimitives.WriteUInt64BigEndian(record.AsSpan(120, 8), TimestampNs);
        return record;
    }

    public JsonObject Json() => new()
    {
        ["id"] = Id.ToString(),
        ["debit_account_id"] = DebitAccountId.ToString(),
        ["credit_account_id"] = CreditAccountId.ToString(),
        ["amount"] = Amount.ToString(CultureInfo.InvariantCulture),
        ["currency"] = Currency,
        ["code"] = Code,
        ["flags"] = new JsonArray([.. FlagNames.Select(n => (JsonNode)JsonValue.Create(n))]),
        ["pending_id"] = PendingId?.ToString(),
        ["timeout_seconds"] = TimeoutSeconds,
        ["reference"] = Reference?.ToString(),
        ["user_data_64"] = UserData64.ToString(CultureInfo.InvariantCulture),
        ["user_data_32"] = UserData32,
        ["timestamp"] = "2025-10-09T08:53:20.123456789Z",
        ["timestamp_ns"] = TimestampNs.ToString(CultureInfo.InvariantCulture),
        ["log_index"] = LogIndex,
        ["settlement_seq"] = 1,
    };
}

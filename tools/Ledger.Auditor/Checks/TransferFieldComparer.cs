using System.Globalization;
using System.Text.Json;
using Ledger.Auditor.Proofs;
using Ledger.Auditor.Records;

namespace Ledger.Auditor.Checks;

/// <summary>
/// Compares the record's fields with the transfer object of the proof (API.md "Transfers"): each field by
/// value, in the record's order, and lists every difference, not just the first.
/// </summary>
internal sealed class TransferFieldComparer
{
    private readonly List<string> _mismatches = [];
    private readonly List<string> _notes = [];
    private readonly JsonElement _transfer;
    private int _compared;

    private TransferFieldComparer(JsonElement transfer) => _transfer = transfer;

    public static CheckResult Check(RecordFields record, JsonElement transfer, ulong leafIndex)
    {
        ArgumentNullException.ThrowIfNull(record);
        var comparer = new TransferFieldComparer(transfer);
        comparer.CompareAll(record, leafIndex);
        var notes = comparer._notes.Count == 0 ? string.Empty : $" ({string.Join("; ", comparer._notes)})";
        return comparer._mismatches.Count == 0
            ? CheckResult.Pass(CheckNames.RecordFields, $"{comparer._compared} fields equal{notes}")
            : CheckResult.Fail(CheckNames.RecordFields, string.Join("; ", comparer._mismatches) + notes);
    }

    private void CompareAll(RecordFields record, ulong leafIndex)
    {
        Uuid("id", record.Id, optional: false);
        Uuid("debit_account_id", record.DebitAccountId, optional: false);
        Uuid("credit_account_id", record.CreditAccountId, optional: false);
        Unsigned("amount", record.Amount.ToString(CultureInfo.InvariantCulture), stringOnly: true);
        Uuid("pending_id", record.PendingId, optional: true);
        Uuid("reference", record.UserData128, optional: true);
        Unsigned("user_data_64", record.UserData64.ToString(CultureInfo.InvariantCulture), stringOnly: false);
        Unsigned("user_data_32", record.UserData32.ToString(CultureInfo.InvariantCulture), stringOnly: false);
        Unsigned("timeout_seconds", record.TimeoutSeconds.ToString(CultureInfo.InvariantCulture), stringOnly: false);
        Ledger(record.Ledger);
        Unsigned("code", record.Code.ToString(CultureInfo.InvariantCulture), stringOnly: false);
        Flags(record.Flags);
        Unsigned("timestamp_ns", record.TimestampNs.ToString(CultureInfo.InvariantCulture), stringOnly: false);
        if (_transfer.TryGetProperty("log_index", out _))
        {
            Unsigned("log_index", leafIndex.ToString(CultureInfo.InvariantCulture), stringOnly: false, source: "leaf_index");
        }
    }

    private JsonElement? Field(string name)
    {
        if (_transfer.TryGetProperty(name, out var value))
        {
            _compared++;
            return value;
        }

        _mismatches.Add($"{name}: the transfer has no '{name}'");
        return null;
    }

    private void Uuid(string name, UInt128 recorded, bool optional)
    {
        if (Field(name) is not { } value)
        {
            return;
        }

        var expected = optional && recorded == UInt128.Zero ? "null" : Uuids.ToText(recorded);
        string got;
        if (value.ValueKind == JsonValueKind.Null)
        {
            got = "null";
        }
        else if (value.ValueKind == JsonValueKind.String && Uuids.TryParse(value.GetString(), out var parsed))
        {
            got = Uuids.ToText(parsed);
        }
        else
        {
            _mismatches.Add($"{name}: the transfer has {value.GetRawText()}, not a UUID{(optional ? " or null" : string.Empty)}");
            return;
        }

        Expect(name, expected, got);
    }

    private void Unsigned(string name, string recorded, bool stringOnly, string source = "record")
    {
        if (Field(name) is not { } value)
        {
            return;
        }

        var text = value.ValueKind switch
        {
            JsonValueKind.String => value.GetString(),
            JsonValueKind.Number when !stringOnly => value.GetRawText(),
            _ => null,
        };
        if (!JsonFields.IsDigits(text) || !UInt128.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed))
        {
            _mismatches.Add($"{name}: the transfer has {value.GetRawText()}, not an unsigned integer{(stringOnly ? " string" : string.Empty)}");
            return;
        }

        Expect(name, recorded, parsed.ToString(CultureInfo.InvariantCulture), source);
    }

    /// <summary>
    /// The transfer names its currency, not its ledger. A "ledger" field, when present, is compared; so is a
    /// currency given as a ledger number, or one of the currencies API.md documents. Others cannot be.
    /// </summary>
    private void Ledger(uint recorded)
    {
        if (_transfer.TryGetProperty("ledger", out _))
        {
            Unsigned("ledger", recorded.ToString(CultureInfo.InvariantCulture), stringOnly: false);
            return;
        }

        if (Field("currency") is not { } value)
        {
            return;
        }

        var currency = value.ValueKind == JsonValueKind.String ? value.GetString()! : null;
        uint? ledger = currency switch
        {
            null => null,
            _ when JsonFields.IsDigits(currency) && uint.TryParse(currency, NumberStyles.None, CultureInfo.InvariantCulture, out var number) => number,
            _ => DocumentedLedgers.Find(currency),
        };
        if (currency is null)
        {
            _mismatches.Add($"currency: the transfer has {value.GetRawText()}, not a currency code");
        }
        else if (ledger is null)
        {
            _notes.Add($"ledger {recorded} not compared: currency '{currency}' has no documented ledger number");
        }
        else if (ledger != recorded)
        {
            _mismatches.Add($"currency: record has ledger {recorded}, transfer has '{currency}' (ledger {ledger})");
        }
    }

    private void Flags(ushort recorded)
    {
        if ((recorded & ~TransferFlagNames.DefinedBits) != 0)
        {
            _mismatches.Add($"flags: the record sets undefined bits 0x{recorded & ~TransferFlagNames.DefinedBits:x4}");
        }

        if (Field("flags") is not { } value)
        {
            return;
        }

        if (value.ValueKind != JsonValueKind.Array)
        {
            _mismatches.Add($"flags: the transfer has {value.GetRawText()}, not an array of names");
            return;
        }

        ushort bits = 0;
        foreach (var item in value.EnumerateArray())
        {
            var bit = item.ValueKind == JsonValueKind.String ? TransferFlagNames.Bit(item.GetString()!) : null;
            if (bit is null)
            {
                _mismatches.Add($"flags: the transfer has the unknown flag {item.GetRawText()}");
                return;
            }

            bits |= bit.Value;
        }

        Expect("flags", Describe(recorded & TransferFlagNames.DefinedBits), Describe(bits));
    }

    private static string Describe(int flags) =>
        flags == 0 ? "[]" : $"[{string.Join(", ", TransferFlagNames.Names((ushort)flags))}]";

    private void Expect(string name, string recorded, string got, string source = "record")
    {
        if (!string.Equals(recorded, got, StringComparison.Ordinal))
        {
            _mismatches.Add($"{name}: {source} has {recorded}, transfer has {got}");
        }
    }
}

namespace Ledger.Auditor.Api;

/// <summary>One raw 128-byte record of GET /v1/log/records with its log index.</summary>
internal sealed record LogRecord(ulong Index, byte[] Record);

namespace Ledger.Auditor.OnChain;

/// <summary>The block reads are made at (<see cref="Number"/>), the head it was counted from, and the depth asked for.</summary>
internal sealed record ConfirmedBlock(ulong Head, ulong Number, int Confirmations);

namespace Ledger.Core.Settlement;

/// <summary>
/// A signed anchor transaction as it is recorded before it is sent: its hash, its raw bytes (sent again,
/// unchanged, after a restart or a reorganisation) and its nonce (to notice that another transaction
/// took the nonce, so this one can never be included).
/// </summary>
public sealed record SignedAnchor(byte[] TxHash, byte[] RawTx, ulong Nonce);

using Ledger.Chain.Abi;
using Ledger.Chain.Rpc;

namespace Ledger.Chain.Sending;

/// <summary>
/// A signed transaction, as the caller records it before it is sent: after a restart the same raw bytes
/// are sent again, which is the same transaction (same hash), so it is included at most once.
/// </summary>
public sealed record PendingTransaction(Hash32 Hash, Address Sender, ulong Nonce, ulong GasLimit, byte[] Raw);

using Ledger.Chain.Rpc;

namespace Ledger.Chain.Contracts;

/// <summary>One log decoded with its event's ABI: the parameters by name, beside the log they came from.</summary>
public sealed record DecodedLog(RpcLog Log, IReadOnlyDictionary<string, object?> Values);

using System.Numerics;

namespace Ledger.Chain.Rpc;

/// <summary>What an EIP-1559 fee is computed from: the latest block's base fee and the node's suggested priority fee.</summary>
public sealed record FeeInputs(BigInteger BaseFeePerGas, BigInteger MaxPriorityFeePerGas);

using System.Numerics;
using Ledger.Chain.Abi;

namespace Ledger.Chain.Sending;

/// <summary>What to send: the target (null deploys <see cref="Data"/> as init code), the calldata and any ether.</summary>
public sealed record TransactionRequest(Address? To, byte[] Data)
{
    public BigInteger Value { get; init; } = BigInteger.Zero;

    /// <summary>A fixed gas limit, skipping the estimate; still held to the sender's cap.</summary>
    public ulong? GasLimit { get; init; }
}

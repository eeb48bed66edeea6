using System.Numerics;
using Ledger.Chain.Abi;
using Ledger.Chain.Rpc;

namespace Ledger.Chain.Contracts;

/// <summary>One payout of a batch: its id (paid at most once, ever), the recipient and the amount in token units.</summary>
public sealed record Payout(Hash32 Id, Address To, BigInteger Amount);

using System.Numerics;

namespace Ledger.Core.Settlement;

/// <summary>
/// One participant's net position in one currency (ledger) over a settlement batch: credits received
/// minus debits paid, in minor units. Positive means the participant is owed money.
/// </summary>
/// <remarks>
/// <see cref="Net"/> is a <see cref="BigInteger"/> on purpose: amounts are unsigned 128-bit and a
/// batch may hold many of them, so a net position can lie outside both Int128 and UInt128. An
/// arbitrary-precision integer cannot overflow, so no batch can ever be refused for its size; stores
/// keep it as a decimal string and the API shows it as one.
/// </remarks>
public readonly record struct NetPosition(UInt128 ParticipantId, uint Ledger, BigInteger Net);

namespace Ledger.Core.Escrows;

/// <summary>
/// The moves an escrow's status may make through <see cref="IEscrowStore.TryAdvanceEscrowAsync"/>, and what
/// each carries, written once for every store. A move outside the table, or with the wrong arguments, is
/// the caller's bug and throws; whether the stored status is still <c>from</c> is the store's
/// compare-and-set and answers Conflict.
/// </summary>
/// <remarks>
/// <list type="table">
/// <item><term>Opening → Open</term><description>the open is final on chain; <c>block</c> is its block.</description></item>
/// <item><term>Opening → Failed</term><description>the open reverted or was dropped; <c>reason</c> says why.</description></item>
/// <item><term>Releasing or Refunding → Open</term><description>the release or refund reverted; <c>reason</c> says why; the transaction fields are cleared.</description></item>
/// <item><term>Open, Releasing or Refunding → Released or Refunded</term><description>the chain says so; <c>block</c> and <c>txHash</c> are where. From Open as well: anyone may refund on chain after the deadline, and the chain wins.</description></item>
/// </list>
/// </remarks>
public static class EscrowTransitions
{
    /// <summary>A transaction hash.</summary>
    public const int TxHashBytes = 32;

    /// <summary>True when <paramref name="from"/> → <paramref name="to"/> is in the table.</summary>
    public static bool IsAllowed(EscrowStatus from, EscrowStatus to) => (from, to) switch
    {
        (EscrowStatus.Opening, EscrowStatus.Open or EscrowStatus.Failed) => true,
        (EscrowStatus.Releasing or EscrowStatus.Refunding, EscrowStatus.Open) => true,
        (EscrowStatus.Open or EscrowStatus.Releasing or EscrowStatus.Refunding, EscrowStatus.Released or EscrowStatus.Refunded) => true,
        _ => false,
    };

    /// <summary>
    /// Throws unless the move is in the table and carries exactly what it needs: a block for Open (from
    /// Opening), Released and Refunded; a 32-byte transaction hash for Released and Refunded; a reason for
    /// Failed and for Open from Releasing or Refunding. Anything it does not need must be null.
    /// </summary>
    public static void Validate(EscrowStatus from, EscrowStatus to, string? reason, ulong? block, byte[]? txHash)
    {
        if (!IsAllowed(from, to))
        {
            throw new ArgumentException($"An escrow does not move from {from} to {to}.");
        }

        var closing = to is EscrowStatus.Released or EscrowStatus.Refunded;
        var needsBlock = closing || (from == EscrowStatus.Opening && to == EscrowStatus.Open);
        var needsReason = to == EscrowStatus.Failed || (from is EscrowStatus.Releasing or EscrowStatus.Refunding && to == EscrowStatus.Open);
        if (needsBlock != block.HasValue)
        {
            throw new ArgumentException($"{from} → {to} {(needsBlock ? "needs" : "takes no")} block.");
        }

        if (block > long.MaxValue)
        {
            throw new ArgumentOutOfRangeException(nameof(block), "A block number is kept in a signed 64-bit column.");
        }

        if (closing != (txHash is not null) || (txHash is not null && txHash.Length != TxHashBytes))
        {
            throw new ArgumentException($"{from} → {to} {(closing ? $"needs a {TxHashBytes}-byte" : "takes no")} transaction hash.");
        }

        if (needsReason ? string.IsNullOrEmpty(reason) : reason is not null)
        {
            throw new ArgumentException($"{from} → {to} {(needsReason ? "needs" : "takes no")} reason.");
        }
    }

    /// <summary>
    /// The transaction a status sends: the open while Opening, the release while Releasing, the refund while
    /// Refunding. Throws for a status that sends none.
    /// </summary>
    public static EscrowTxKind TxKindOf(EscrowStatus status) => status switch
    {
        EscrowStatus.Opening => EscrowTxKind.Open,
        EscrowStatus.Releasing => EscrowTxKind.Release,
        EscrowStatus.Refunding => EscrowTxKind.Refund,
        _ => throw new ArgumentException($"An escrow sends no transaction while {status}."),
    };
}

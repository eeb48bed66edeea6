using System.Numerics;
using Ledger.Core.Domain;
using Ledger.Core.StateMachine;

namespace Ledger.Core.Settlement;

/// <summary>
/// Nets the money moved by a run of the log per participant and currency. Only posted money moves
/// count: a single-phase transfer and a post of a pending transfer (with the amount it posted) take
/// their amount from the debit account's owner and give it to the credit account's owner. A pending
/// transfer only holds money and a void releases a hold, so neither moves any. Every move takes from
/// one side what it gives to the other, so per currency the positions sum to zero; that is asserted
/// on every result, in production too.
/// </summary>
public sealed class NetPositionBook
{
    private readonly Dictionary<(UInt128 Participant, uint Ledger), BigInteger> nets = [];
    private ulong nextLogIndex;

    /// <summary>A book for the run that starts at <paramref name="firstLogIndex"/>.</summary>
    public NetPositionBook(ulong firstLogIndex) => nextLogIndex = firstLogIndex;

    /// <summary>How many transfers have been added.</summary>
    public long TransfersSeen { get; private set; }

    /// <summary>The log index the next transfer must have: one past the last added.</summary>
    public ulong NextLogIndex => nextLogIndex;

    /// <summary>Whether a committed transfer moved posted money.</summary>
    public static bool MovesPostedMoney(in Transfer transfer) =>
        (transfer.Flags & (TransferFlags.Pending | TransferFlags.VoidPending)) == 0;

    /// <summary>Adds the next transfer of the run; transfers must come in log order without gaps.</summary>
    public void Add(in OwnedTransfer owned)
    {
        if (owned.LogIndex != nextLogIndex)
        {
            throw new LedgerInvariantException($"Netting expected log index {nextLogIndex} and was given {owned.LogIndex}: the run has a gap or is out of order.");
        }

        nextLogIndex = owned.LogIndex + 1;
        TransfersSeen++;
        var transfer = owned.Transfer;
        if (!MovesPostedMoney(transfer) || transfer.Amount == UInt128.Zero)
        {
            return;
        }

        var amount = (BigInteger)transfer.Amount;
        Move(owned.DebitOwnerId, transfer.Ledger, -amount);
        Move(owned.CreditOwnerId, transfer.Ledger, amount);
    }

    /// <summary>
    /// The positions, ordered by ledger then participant. Positions that net to zero (a participant
    /// moving money between its own accounts) are left out: they carry nothing to settle.
    /// </summary>
    public IReadOnlyList<NetPosition> Positions()
    {
        var positions = nets
            .Where(static entry => !entry.Value.IsZero)
            .Select(static entry => new NetPosition(entry.Key.Participant, entry.Key.Ledger, entry.Value))
            .OrderBy(static p => p.Ledger)
            .ThenBy(static p => p.ParticipantId)
            .ToList();
        AssertBalanced(positions);
        return positions;
    }

    /// <summary>Throws <see cref="LedgerInvariantException"/> unless the positions sum to zero in every ledger and name each (participant, ledger) once.</summary>
    public static void AssertBalanced(IReadOnlyList<NetPosition> positions)
    {
        ArgumentNullException.ThrowIfNull(positions);
        var sums = new Dictionary<uint, BigInteger>();
        var seen = new HashSet<(UInt128, uint)>();
        foreach (var position in positions)
        {
            if (!seen.Add((position.ParticipantId, position.Ledger)))
            {
                throw new LedgerInvariantException($"Participant {position.ParticipantId} has two net positions in ledger {position.Ledger}.");
            }

            sums[position.Ledger] = sums.GetValueOrDefault(position.Ledger) + position.Net;
        }

        foreach (var (ledger, sum) in sums)
        {
            if (!sum.IsZero)
            {
                throw new LedgerInvariantException($"The net positions of ledger {ledger} sum to {sum}, not zero.");
            }
        }
    }

    private void Move(UInt128 participant, uint ledger, BigInteger amount)
    {
        var key = (participant, ledger);
        nets[key] = nets.GetValueOrDefault(key) + amount;
    }
}

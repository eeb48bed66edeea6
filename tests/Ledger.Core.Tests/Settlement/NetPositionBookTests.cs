using System.Numerics;
using Ledger.Core.Domain;
using Ledger.Core.Settlement;
using Ledger.Core.StateMachine;
using static Ledger.Core.Tests.Infrastructure.Build;

namespace Ledger.Core.Tests.Settlement;

/// <summary>Netting rules: posted moves count, holds and voids do not, and every result sums to zero per ledger.</summary>
public sealed class NetPositionBookTests
{
    private static readonly UInt128 BankA = 0xA, BankB = 0xB, BankC = 0xC;

    [Fact]
    public void Single_phase_transfers_move_money_from_the_debit_owner_to_the_credit_owner_per_ledger()
    {
        var book = new NetPositionBook(10);
        book.Add(new OwnedTransfer(10, Transfer(1, 1, 2, 100), BankA, BankB));
        book.Add(new OwnedTransfer(11, Transfer(2, 2, 3, 30), BankB, BankC));
        book.Add(new OwnedTransfer(12, Transfer(3, 1, 3, 7, ledger: 2), BankA, BankC));

        Assert.Equal(
            [new NetPosition(BankA, 1, -100), new NetPosition(BankB, 1, 70), new NetPosition(BankC, 1, 30), new NetPosition(BankA, 2, -7), new NetPosition(BankC, 2, 7)],
            book.Positions());
    }

    [Fact]
    public void Pending_and_void_move_nothing_and_a_post_moves_the_amount_it_posted()
    {
        var book = new NetPositionBook(0);
        book.Add(new OwnedTransfer(0, Pending(1, 1, 2, 500), BankA, BankB));
        book.Add(new OwnedTransfer(1, Transfer(2, 1, 2, 200) with { PendingId = 1, Flags = TransferFlags.PostPending }, BankA, BankB));
        book.Add(new OwnedTransfer(2, Pending(3, 1, 2, 900), BankA, BankB));
        book.Add(new OwnedTransfer(3, Transfer(4, 1, 2, 900) with { PendingId = 3, Flags = TransferFlags.VoidPending }, BankA, BankB));

        Assert.Equal([new NetPosition(BankA, 1, -200), new NetPosition(BankB, 1, 200)], book.Positions());
        Assert.Equal(4, book.TransfersSeen);
    }

    [Fact]
    public void Moves_within_one_participant_net_to_nothing()
    {
        var book = new NetPositionBook(0);
        book.Add(new OwnedTransfer(0, Transfer(1, 1, 2, 100), BankA, BankA));

        Assert.Empty(book.Positions());
    }

    [Fact]
    public void Positions_beyond_128_bits_do_not_overflow()
    {
        var book = new NetPositionBook(0);
        for (ulong i = 0; i < 4; i++)
        {
            book.Add(new OwnedTransfer(i, Transfer(i + 1, 1, 2, Max), BankA, BankB));
        }

        var expected = (BigInteger)Max * 4;
        Assert.Equal([new NetPosition(BankA, 1, -expected), new NetPosition(BankB, 1, expected)], book.Positions());
    }

    [Fact]
    public void A_gap_or_reordering_in_the_run_is_an_invariant_failure()
    {
        var book = new NetPositionBook(5);
        Assert.Throws<LedgerInvariantException>(() => book.Add(new OwnedTransfer(6, Transfer(1, 1, 2, 1), BankA, BankB)));

        book.Add(new OwnedTransfer(5, Transfer(1, 1, 2, 1), BankA, BankB));
        Assert.Throws<LedgerInvariantException>(() => book.Add(new OwnedTransfer(5, Transfer(2, 1, 2, 1), BankA, BankB)));
    }

    [Fact]
    public void Positions_that_do_not_sum_to_zero_or_repeat_a_participant_are_refused()
    {
        Assert.Throws<LedgerInvariantException>(() => NetPositionBook.AssertBalanced([new NetPosition(BankA, 1, -5), new NetPosition(BankB, 1, 4)]));
        Assert.Throws<LedgerInvariantException>(() => NetPositionBook.AssertBalanced(
            [new NetPosition(BankA, 1, -5), new NetPosition(BankA, 1, 5)]));
        NetPositionBook.AssertBalanced([new NetPosition(BankA, 1, -5), new NetPosition(BankB, 1, 5), new NetPosition(BankA, 2, 0)]);
    }

    [Fact]
    public void A_draft_with_unbalanced_positions_or_an_empty_range_is_refused()
    {
        var root = new byte[32];
        var now = DateTimeOffset.UnixEpoch;
        Assert.Throws<LedgerInvariantException>(() => new SettlementDraft(1, 0, 3, root, now, [new NetPosition(BankA, 1, 1)]).Validate());
        Assert.Throws<ArgumentException>(() => new SettlementDraft(1, 3, 3, root, now, []).Validate());
        Assert.Throws<ArgumentException>(() => new SettlementDraft(1, 0, 3, new byte[31], now, []).Validate());
        new SettlementDraft(1, 0, 3, root, now, []).Validate();
    }
}

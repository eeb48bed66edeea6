using Ledger.Core.Domain;
using Ledger.Core.Payouts;
using Ledger.Core.Tokens;
using Ledger.Core.Tests.Infrastructure;

namespace Ledger.Core.Tests.Payouts;

public sealed class SqlitePayoutLegsTests(SqliteStoreFixture fixture) : PayoutLegsTests<SqliteStoreFixture>(fixture);

/// <summary>
/// A payout's hold, post and void through the real engine: the hold reserves the amount on the paying
/// account, the post or void ends it, and repeating any step after a crash answers exists and moves nothing.
/// </summary>
public abstract class PayoutLegsTests<TFixture>(TFixture fixture) : LedgerTestBase<TFixture>(fixture)
    where TFixture : class, ILedgerStoreFixture
{
    private const uint Usdc = 1_000_001;
    private static readonly UInt128 Funding = 1, Merchant = 2, Clearing = 3;

    [Fact]
    public async Task A_hold_reserves_the_amount_and_its_post_moves_it_to_clearing_once()
    {
        await OpenAsync(1_000_000);
        var hold = PayoutLegs.Hold(0xA1, Merchant, Clearing, Usdc, 250_000);
        Assert.Equal([CreateTransferResult.Created], await Ledger.ResultsAsync(hold));
        Assert.Equal([CreateTransferResult.Exists], await Ledger.ResultsAsync(hold));
        var merchant = await Ledger.Store.GetAccountAsync(Merchant, Ledger.Token);
        Assert.Equal(((UInt128)250_000, UInt128.Zero), (merchant!.Value.DebitsPending, merchant.Value.DebitsPosted));

        Assert.Equal([CreateTransferResult.Created], await Ledger.ResultsAsync(PayoutLegs.Resolve(0xA1, post: true)));
        Assert.Equal([CreateTransferResult.Exists], await Ledger.ResultsAsync(PayoutLegs.Resolve(0xA1, post: true)));
        Assert.Equal([CreateTransferResult.PendingTransferAlreadyPosted], await Ledger.ResultsAsync(PayoutLegs.Resolve(0xA1, post: false)));
        merchant = await Ledger.Store.GetAccountAsync(Merchant, Ledger.Token);
        Assert.Equal((UInt128.Zero, (UInt128)250_000), (merchant!.Value.DebitsPending, merchant.Value.DebitsPosted));
        var clearing = await Ledger.Store.GetAccountAsync(Clearing, Ledger.Token);
        Assert.Equal((UInt128)250_000, clearing!.Value.CreditsPosted);
    }

    [Fact]
    public async Task A_void_returns_the_funds_and_a_hold_larger_than_the_balance_moves_nothing()
    {
        await OpenAsync(100);
        Assert.Equal([CreateTransferResult.ExceedsCredits], await Ledger.ResultsAsync(PayoutLegs.Hold(0xB1, Merchant, Clearing, Usdc, 101)));
        Assert.Equal([CreateTransferResult.Created], await Ledger.ResultsAsync(PayoutLegs.Hold(0xB2, Merchant, Clearing, Usdc, 100)));
        Assert.Equal([CreateTransferResult.Created], await Ledger.ResultsAsync(PayoutLegs.Resolve(0xB2, post: false)));
        Assert.Equal([CreateTransferResult.PendingTransferAlreadyVoided], await Ledger.ResultsAsync(PayoutLegs.Resolve(0xB2, post: true)));
        var merchant = await Ledger.Store.GetAccountAsync(Merchant, Ledger.Token);
        Assert.Equal((UInt128.Zero, UInt128.Zero, (UInt128)100), (merchant!.Value.DebitsPending, merchant.Value.DebitsPosted, merchant.Value.CreditsPosted));
    }

    [Fact]
    public void Ids_are_derived_from_the_payout_id_and_differ_by_step()
    {
        Assert.Equal(PayoutLegs.HoldId(7), PayoutLegs.HoldId(7));
        Assert.Equal(3, new[] { PayoutLegs.HoldId(7), PayoutLegs.PostId(7), PayoutLegs.VoidId(7) }.Distinct().Count());
        Assert.NotEqual(PayoutLegs.HoldId(7), PayoutLegs.HoldId(8));
        Assert.Equal(PayoutLegs.HoldId(7), PayoutLegs.Resolve(7, post: true).PendingId);
    }

    [Theory]
    [InlineData("1234567", 6, 6, "1234567")]
    [InlineData("1234567", 2, 6, "12345670000")]
    [InlineData("1234567", 6, 18, "1234567000000000000")]
    [InlineData("1234000", 6, 3, "1234")]
    [InlineData("1234567", 6, 3, null)]
    [InlineData("340282366920938463463374607431768211455", 0, 1, null)]
    [InlineData("34028236692093846346337460743176821145", 0, 1, "340282366920938463463374607431768211450")]
    [InlineData("0", 6, 0, "0")]
    public void Token_units_convert_exactly_or_not_at_all(string amount, byte scale, byte decimals, string? expected)
    {
        var converted = TokenUnits.FromLedger(UInt128.Parse(amount, System.Globalization.CultureInfo.InvariantCulture), scale, decimals);
        Assert.Equal(expected, converted?.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    private async Task OpenAsync(ulong funds)
    {
        await Ledger.CreateAccountsCreatedAsync(
            new Account { Id = Funding, Ledger = Usdc, Code = 1 },
            new Account { Id = Merchant, Ledger = Usdc, Code = 4, Flags = AccountFlags.DebitsMustNotExceedCredits },
            new Account { Id = Clearing, Ledger = Usdc, Code = 5 });
        await Ledger.CreatedAsync(new Transfer { Id = 0xF0, DebitAccountId = Funding, CreditAccountId = Merchant, Amount = funds, Ledger = Usdc, Code = 1 });
    }
}

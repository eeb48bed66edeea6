using System.Numerics;
using FsCheck;
using FsCheck.Fluent;
using Ledger.Core.Directory;
using Ledger.Core.Domain;
using Ledger.Core.Fx;
using Ledger.Core.Payments;
using Ledger.Core.Risk;
using Ledger.Core.Storage;
using Ledger.Core.Tests.Infrastructure;
using Ledger.Core.Tests.Properties;

namespace Ledger.Core.Tests.Payments;

public sealed class SqlitePaymentLedgerPropertyTests(SqliteStoreFixture fixture) : PaymentLedgerPropertyTests<SqliteStoreFixture>(fixture, cases: 30);

public sealed class PostgresPaymentLedgerPropertyTests(PostgresStoreFixture fixture) : PaymentLedgerPropertyTests<PostgresStoreFixture>(fixture, cases: 12);

/// <summary>
/// Random days of FX business through <see cref="PaymentProcessor"/> over a real store and engine: random
/// rates, spreads, fees, funding (some too thin, so payments fail), velocity holds released or rejected,
/// partial and whole refunds. Afterwards every FX liquidity and fee account stands exactly where the
/// executed quotes put it, every debtor paid exactly its accepted payments less refunds, every quote's
/// buy amount is the floor of the stated rule (recomputed here with BigInteger), and per currency the
/// ledger's debits equal its credits, posted and pending.
/// </summary>
public abstract class PaymentLedgerPropertyTests<TFixture>(TFixture fixture, int cases) : IClassFixture<TFixture>
    where TFixture : class, ILedgerStoreFixture
{
    private static readonly Currency[] Currencies = [new("USD", 840, 2), new("EUR", 978, 2), new("JPY", 392, 0)];

    [Fact]
    public void Liquidity_and_fee_accounts_end_where_the_executed_quotes_say_and_every_currency_balances()
    {
        var property = Prop.ForAll(ArbMap.Default.ArbFor<int>(), seed => ScenarioRunner.Run(() => RunAsync(seed)));
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(cases).WithName("FX payments vs the quotes they executed"), property);
    }

    private async Task RunAsync(int seed)
    {
        var random = new Random(seed);
        var clock = new ManualClock();
        await using var ledger = await LedgerHarness.StartAsync(fixture, clock);
        var store = (IPaymentStore)ledger.Store;
        var directory = (IDirectoryStore)ledger.Store;
        var processor = new PaymentProcessor(store, ledger.Store, directory, ledger.Engine, clock, new PaymentOptions { HoldTimeoutSeconds = 3600 });
        var operatorId = (UInt128)1;
        UInt128 nextId = 1000;
        UInt128 NewId() => nextId++;

        // The desk: per currency a funding account, a liquidity account (must not go negative) and fee income.
        var funding = new Dictionary<uint, UInt128>();
        var liquidity = new Dictionary<uint, UInt128>();
        var fees = new Dictionary<uint, UInt128>();
        var expectedLiquidity = new Dictionary<uint, BigInteger>();
        var expectedFees = new Dictionary<uint, BigInteger>();
        foreach (var currency in Currencies)
        {
            funding[currency.Ledger] = NewId();
            liquidity[currency.Ledger] = NewId();
            fees[currency.Ledger] = NewId();
            await ledger.CreateAccountsCreatedAsync(
                Account(funding[currency.Ledger], operatorId, currency.Ledger, AccountFlags.None),
                Account(liquidity[currency.Ledger], operatorId, currency.Ledger, AccountFlags.DebitsMustNotExceedCredits),
                Account(fees[currency.Ledger], operatorId, currency.Ledger, AccountFlags.None));
            var depth = (UInt128)random.NextInt64(0, 5_000_000);
            if (depth > 0)
            {
                await ledger.CreatedAsync(Move(NewId(), funding[currency.Ledger], liquidity[currency.Ledger], depth, currency.Ledger));
            }

            expectedLiquidity[currency.Ledger] = (BigInteger)depth;
            expectedFees[currency.Ledger] = BigInteger.Zero;
            await store.SetFxCurrencyAsync(new FxCurrencySetup(currency.Ledger, liquidity[currency.Ledger], fees[currency.Ledger], (ushort)random.Next(0, 60), (UInt128)random.Next(0, 100), clock.GetUtcNow()), ledger.Token);
        }

        await store.SetFxRateAsync(new FxRateEntry(978, 840, new FxDecimal((UInt128)random.Next(5_000, 20_000), 4), (ushort)random.Next(0, 100), clock.GetUtcNow()), ledger.Token);
        await store.SetFxRateAsync(new FxRateEntry(840, 392, new FxDecimal((UInt128)random.Next(10_000, 20_000), 2), (ushort)random.Next(0, 100), clock.GetUtcNow()), ledger.Token);
        await store.SetFxRateAsync(new FxRateEntry(978, 392, new FxDecimal((UInt128)random.Next(1_000_000, 2_000_000), 4), (ushort)random.Next(0, 100), clock.GetUtcNow()), ledger.Token);

        // Three banks, each with a funded debtor and a creditor account per currency; some hold after their first payment.
        var banks = new List<Bank>();
        for (var b = 0; b < 3; b++)
        {
            var id = NewId();
            Assert.True(await directory.TryAddParticipantAsync(new Participant(id, $"Bank {b}", ParticipantRole.Bank, "GB", KycStatus.Verified, clock.GetUtcNow()), [(byte)b, 1, 2, 3], ledger.Token));
            var bank = new Bank(id, [], [], []);
            foreach (var currency in Currencies)
            {
                var debtor = NewId();
                var creditor = NewId();
                await ledger.CreateAccountsCreatedAsync(
                    Account(debtor, id, currency.Ledger, AccountFlags.DebitsMustNotExceedCredits),
                    Account(creditor, id, currency.Ledger, AccountFlags.None));
                var funds = (UInt128)random.NextInt64(0, 3_000_000);
                if (funds > 0)
                {
                    await ledger.CreatedAsync(Move(NewId(), funding[currency.Ledger], debtor, funds, currency.Ledger));
                }

                bank.Debtors[currency.Ledger] = debtor;
                bank.Creditors[currency.Ledger] = creditor;
                bank.ExpectedDebtor[currency.Ledger] = (BigInteger)funds;
            }

            if (random.Next(2) == 0)
            {
                await store.SetRiskProfileAsync(id, new RiskProfile([], new VelocityRule(86_400, (uint)random.Next(1, 4), []), clock.GetUtcNow()), ledger.Token);
            }

            banks.Add(bank);
        }

        var held = new List<Payment>();
        var accepted = new List<Payment>();
        var steps = random.Next(5, 25);
        for (var step = 0; step < steps; step++)
        {
            clock.Advance(TimeSpan.FromSeconds(1));
            var action = random.Next(10);
            if (action < 6)
            {
                var bank = banks[random.Next(banks.Count)];
                var sell = Currencies[random.Next(3)];
                var buy = Currencies[(Array.IndexOf(Currencies, sell) + 1 + random.Next(2)) % 3];
                var quote = await processor.QuoteAsync(bank.Id, sell, buy, (UInt128)random.NextInt64(1, 1_500_000), ledger.Token);
                if (quote.Error != PaymentError.None)
                {
                    Assert.Equal(PaymentError.AmountTooSmall, quote.Error);
                    continue;
                }

                AssertStatedRule(quote.Quote!, sell, buy, await store.GetFxRateAsync(sell.Ledger, buy.Ledger, ledger.Token), await store.GetFxRateAsync(buy.Ledger, sell.Ledger, ledger.Token), await store.GetFxCurrencyAsync(sell.Ledger, ledger.Token));
                var outcome = await processor.CreateAsync(new PaymentRequest(NewId(), quote.Quote!.Id, bank.Debtors[sell.Ledger], bank.Creditors[buy.Ledger], 0), bank.Id, false, ledger.Token);
                Assert.Equal(PaymentError.None, outcome.Error);
                switch (outcome.State!.Status)
                {
                    case PaymentStatus.Accepted:
                        accepted.Add(outcome.Payment!);
                        break;
                    case PaymentStatus.Pending:
                        held.Add(outcome.Payment!);
                        break;
                    default:
                        Assert.Equal(PaymentStatus.Rejected, outcome.State.Status);
                        Assert.Contains(outcome.State.Reason, new[] { "insufficient_funds", "insufficient_fx_liquidity" });
                        break;
                }
            }
            else if (action < 8 && held.Count > 0)
            {
                var payment = held[random.Next(held.Count)];
                held.Remove(payment);
                var release = random.Next(2) == 0;
                var review = await processor.ReviewAsync(payment.Id, release ? OperatorAction.Release : OperatorAction.Reject, "test", "test", ledger.Token);
                Assert.Equal(PaymentError.None, review.Error);
                Assert.Equal(release ? PaymentStatus.Accepted : PaymentStatus.Rejected, review.State!.Status);
                if (release)
                {
                    accepted.Add(payment);
                }
            }
            else if (accepted.Count > 0)
            {
                var payment = accepted[random.Next(accepted.Count)];
                var whole = random.Next(3) == 0;
                UInt128? amount = whole ? null : (UInt128)random.NextInt64(1, (long)ulong.Min((ulong)payment.BuyAmount, long.MaxValue - 1) + 1);
                var refund = await processor.RefundAsync(new RefundRequest(NewId(), payment.Id, amount, 0), operatorId, true, ledger.Token);
                Assert.True(refund.Error is PaymentError.None or PaymentError.RefundExceedsPayment, refund.Error.ToString());
                if (refund.Error == PaymentError.None && refund.Status != RefundStatus.Completed)
                {
                    // The creditor always holds what it received (only refunds debit it), but the sell
                    // currency's liquidity may have been bought away since: then nothing moves.
                    Assert.Equal(RefundStatus.Rejected, refund.Status);
                    Assert.Equal("insufficient_fx_liquidity", refund.Refund!.FailureReason);
                }
            }
        }

        // What the executed quotes and refunds say, from the store's records.
        foreach (var payment in accepted)
        {
            var bank = banks.Single(b => b.Id == payment.ParticipantId);
            expectedLiquidity[payment.SellLedger] += (BigInteger)payment.SellAmount;
            expectedLiquidity[payment.BuyLedger] -= (BigInteger)payment.BuyAmount;
            expectedFees[payment.SellLedger] += (BigInteger)payment.FeeAmount;
            bank.ExpectedDebtor[payment.SellLedger] -= (BigInteger)payment.SellAmount + (BigInteger)payment.FeeAmount;
            var refundedBuy = BigInteger.Zero;
            var refundedFee = BigInteger.Zero;
            var sold = BigInteger.Zero;
            foreach (var refund in await store.ListRefundsAsync(payment.Id, ledger.Token))
            {
                if (refund.Stage != PaymentStage.Committed)
                {
                    continue;
                }

                expectedLiquidity[payment.BuyLedger] += (BigInteger)refund.BuyAmount;
                expectedLiquidity[payment.SellLedger] -= (BigInteger)refund.SellAmount;
                expectedFees[payment.SellLedger] -= (BigInteger)refund.FeeAmount;
                bank.ExpectedDebtor[payment.SellLedger] += (BigInteger)refund.SellAmount + (BigInteger)refund.FeeAmount;
                refundedBuy += (BigInteger)refund.BuyAmount;
                refundedFee += (BigInteger)refund.FeeAmount;
                sold += (BigInteger)refund.SellAmount;
            }

            // Refunds never return more than was paid, and each part no more than its share.
            Assert.True(refundedBuy <= (BigInteger)payment.BuyAmount);
            Assert.True(sold * (BigInteger)payment.BuyAmount <= refundedBuy * (BigInteger)payment.SellAmount);
            Assert.True(refundedFee * (BigInteger)payment.BuyAmount <= refundedBuy * (BigInteger)payment.FeeAmount);
            if (refundedBuy == (BigInteger)payment.BuyAmount)
            {
                Assert.Equal((BigInteger)payment.SellAmount, sold);
                Assert.Equal((BigInteger)payment.FeeAmount, refundedFee);
            }
        }

        // Held payments reserve: pending on the debtor and both liquidity accounts.
        var pendingDebit = new Dictionary<UInt128, BigInteger>();
        var pendingCredit = new Dictionary<UInt128, BigInteger>();
        foreach (var payment in held)
        {
            Add(pendingDebit, payment.DebtorAccountId, (BigInteger)payment.SellAmount + (BigInteger)payment.FeeAmount);
            Add(pendingCredit, payment.LiquiditySellAccountId, (BigInteger)payment.SellAmount);
            Add(pendingDebit, payment.LiquidityBuyAccountId, (BigInteger)payment.BuyAmount);
            Add(pendingCredit, payment.FeeAccountId, (BigInteger)payment.FeeAmount);
        }

        foreach (var currency in Currencies)
        {
            await AssertNetAsync(ledger, liquidity[currency.Ledger], expectedLiquidity[currency.Ledger], pendingDebit, pendingCredit);
            await AssertNetAsync(ledger, fees[currency.Ledger], expectedFees[currency.Ledger], pendingDebit, pendingCredit);
            foreach (var bank in banks)
            {
                await AssertNetAsync(ledger, bank.Debtors[currency.Ledger], bank.ExpectedDebtor[currency.Ledger], pendingDebit, pendingCredit);
            }
        }

        foreach (var totals in await ledger.Store.GetLedgerTotalsAsync(ledger.Token))
        {
            Assert.Equal(totals.DebitsPosted, totals.CreditsPosted);
            Assert.Equal(totals.DebitsPending, totals.CreditsPending);
        }
    }

    /// <summary>The quote's numbers by the README's rule, recomputed independently with BigInteger.</summary>
    private static void AssertStatedRule(FxQuote quote, Currency sell, Currency buy, FxRateEntry? direct, FxRateEntry? reverse, FxCurrencySetup? sellSetup)
    {
        var entry = direct ?? reverse ?? throw new InvalidOperationException("A quote without a rate.");
        var mantissa = (BigInteger)entry.Rate.Mantissa;
        var power = BigInteger.Pow(10, entry.Rate.Scale);
        var keep = (BigInteger)(10_000 - entry.SpreadBps);
        var (numerator, denominator) = direct is not null ? (mantissa * keep, power * 10_000) : (power * keep, mantissa * 10_000);
        Assert.Equal(numerator * (BigInteger)quote.RateDenominator, denominator * (BigInteger)quote.RateNumerator);
        var exactNumerator = (BigInteger)quote.SellAmount * numerator * BigInteger.Pow(10, buy.Scale);
        var exactDenominator = denominator * BigInteger.Pow(10, sell.Scale);
        Assert.Equal(BigInteger.Divide(exactNumerator, exactDenominator), (BigInteger)quote.BuyAmount);
        var feeByBps = ((BigInteger)quote.SellAmount * sellSetup!.FeeBps + 9_999) / 10_000;
        Assert.Equal(BigInteger.Max(feeByBps, (BigInteger)sellSetup.FeeMinimum), (BigInteger)quote.FeeAmount);
    }

    private static async Task AssertNetAsync(LedgerHarness ledger, UInt128 accountId, BigInteger expectedNetCredit, Dictionary<UInt128, BigInteger> pendingDebit, Dictionary<UInt128, BigInteger> pendingCredit)
    {
        var account = await ledger.Store.GetAccountAsync(accountId, ledger.Token);
        Assert.NotNull(account);
        var a = account.Value;
        var expected = (expectedNetCredit, pendingDebit.GetValueOrDefault(accountId), pendingCredit.GetValueOrDefault(accountId));
        var actual = ((BigInteger)a.CreditsPosted - (BigInteger)a.DebitsPosted, (BigInteger)a.DebitsPending, (BigInteger)a.CreditsPending);
        Assert.True(expected == actual, $"Account {accountId} (ledger {a.Ledger}): expected net credit, pending debits, pending credits {expected}, found {actual}.");
    }

    private static void Add(Dictionary<UInt128, BigInteger> sums, UInt128 key, BigInteger value) => sums[key] = sums.GetValueOrDefault(key) + value;

    private static Account Account(UInt128 id, UInt128 owner, uint ledger, AccountFlags flags) => new()
    {
        Id = id,
        UserData128 = owner,
        Ledger = ledger,
        Code = 1,
        Flags = flags,
    };

    private static Transfer Move(UInt128 id, UInt128 debit, UInt128 credit, UInt128 amount, uint ledger) => new()
    {
        Id = id,
        DebitAccountId = debit,
        CreditAccountId = credit,
        Amount = amount,
        Ledger = ledger,
        Code = 1,
    };

    private sealed record Bank(UInt128 Id, Dictionary<uint, UInt128> Debtors, Dictionary<uint, UInt128> Creditors, Dictionary<uint, BigInteger> ExpectedDebtor);
}

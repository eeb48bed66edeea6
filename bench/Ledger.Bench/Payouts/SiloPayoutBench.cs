using System.Diagnostics;
using System.Numerics;
using Ledger.Core.Cluster;
using Ledger.Core.Commit;
using Ledger.Core.Directory;
using Ledger.Core.Domain;
using Ledger.Core.Payouts;
using Ledger.Core.Tokens;
using Ledger.Silo.Leadership;
using Ledger.Silo.Payouts;
using Ledger.Storage.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Ledger.Bench.Payouts;

/// <summary>
/// Payouts per minute the silo sustains: the node's payout services (leader election and
/// <c>AddSiloPayouts</c>, wired as NodeApp wires them) over a fresh SQLite store, with the silo's
/// <see cref="ChainPayoutClient"/> on the local anvil. Merchant payable accounts are funded first; then
/// every payout is created up front through <see cref="PayoutProcessor.CreateAsync"/> (which records it
/// and commits its hold) by a few concurrent callers, as fast as the processor takes them, while the
/// pipeline already runs. The clock runs from the first creation until every payout reads Confirmed.
/// Afterwards, off the clock, each confirmed payout is checked to be paid on chain with its hold posted,
/// and the books and the treasury's token balance to agree with the count.
/// </summary>
internal static class SiloPayoutBench
{
    private const string Holder = "payout-bench";

    private static readonly UInt128 OperatorId = 1;

    /// <summary>USDC, the erc20 rail's currency: scale 6, like TestUSD, so ledger units are token units.</summary>
    private static readonly Currency Usdc = Currency.Defaults.Single(static c => c.Code == "USDC");

    private const byte TokenDecimals = 6;

    /// <summary>Each payout: 1 USDC.</summary>
    private static readonly UInt128 Amount = 1_000_000;

    private static readonly UInt128 FirstPayoutId = 0x5000_0000;

    private static readonly UInt128 FundingAccountId = 0xF0, FirstMerchantAccountId = 0x1000, FirstMerchantId = 0x4D00;

    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(50);

    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(30);

    public static async Task<SiloPayoutResult> RunAsync(LocalPayoutChain chain, string folder, SiloPayoutSettings settings, TextWriter log, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(chain);
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(settings.Payouts);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(settings.Merchants);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(settings.Creators);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(settings.RunMax, TimeSpan.Zero);
        await using var store = new SqliteLedgerStore(Path.Combine(folder, "payouts.db"));
        await store.InitializeAsync(cancellationToken);
        await using var engine = new LedgerEngine(store, TimeProvider.System);
        engine.Start();
        var holds = new PayoutLedger(store, store, engine, TimeProvider.System, OperatorId);
        await holds.EnsureClearingAccountAsync(Usdc.Ledger, cancellationToken);
        var merchants = await FundMerchantsAsync(engine, settings, cancellationToken);
        var processor = new PayoutProcessor(store, store, holds, TimeProvider.System);
        var client = chain.NewPayoutClient();
        var treasuryBefore = await client.TreasuryBalanceAsync(cancellationToken);

        var services = new ServiceCollection();
        services.AddLogging(logging => logging
            .SetMinimumLevel(LogLevel.Warning)
            .AddSimpleConsole(console => console.SingleLine = true)
            .AddConsole(console => console.LogToStandardErrorThreshold = LogLevel.Trace));
        services.AddSingleton<ILeaseStore>(store);
        services.AddSingleton<IPayoutStore>(store);
        services.AddSingleton(holds);
        services.AddSingleton(new SiloLeaseOptions { Holder = Holder });
        services.AddSingleton<LeaderElection>();
        services.AddHostedService(static provider => provider.GetRequiredService<LeaderElection>());
        services.AddSingleton(new PayoutOptions { Interval = settings.Interval });
        var timed = new TimedPayoutChain(client);
        services.AddSingleton<IPayoutChainSource>(new FixedPayoutChain(timed));
        services.AddSiloPayouts();
        await using var provider = services.BuildServiceProvider();
        var hosted = provider.GetServices<IHostedService>().ToList();
        var pipeline = provider.GetRequiredService<PayoutPipeline>();
        var metrics = provider.GetRequiredService<PayoutMetrics>();
        var batchCap = Math.Min(provider.GetRequiredService<PayoutOptions>().BatchMax, client.PayoutsPerTransactionMax);

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(settings.RunMax);
        var started = new List<IHostedService>(hosted.Count);
        var complete = false;
        double creationSeconds = 0, seconds = 0, chainSeconds = 0;
        long rounds = 0;
        try
        {
            foreach (var service in hosted)
            {
                await service.StartAsync(cancellationToken);
                started.Add(service);
            }

            log.WriteLine($"silo payouts: creating {settings.Payouts:N0} payouts from {merchants.Count} merchants with {settings.Creators} concurrent callers; the pipeline runs every {settings.Interval.TotalSeconds:0.###} s");
            var clock = Stopwatch.StartNew();
            try
            {
                var created = await CreatePayoutsAsync(processor, merchants, settings, deadline.Token);
                creationSeconds = clock.Elapsed.TotalSeconds;
                log.WriteLine($"silo payouts: {created:N0} created in {creationSeconds:0.00} s");
                while (metrics.Snapshot() is var counts && counts.PayoutsConfirmed + counts.PayoutsFailed < created)
                {
                    await Task.Delay(PollInterval, deadline.Token);
                }

                complete = true;
            }
            catch (OperationCanceledException) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                log.WriteLine($"silo payouts: stopped at the {settings.RunMax.TotalSeconds:0} s bound before every payout was confirmed");
            }

            seconds = clock.Elapsed.TotalSeconds;
            rounds = pipeline.Rounds;
            chainSeconds = timed.Elapsed.TotalSeconds;
            creationSeconds = creationSeconds == 0 ? seconds : creationSeconds;
        }
        finally
        {
            using var stopping = new CancellationTokenSource(StopTimeout);
            for (var i = started.Count - 1; i >= 0; i--)
            {
                await started[i].StopAsync(stopping.Token);
            }
        }

        var snapshot = metrics.Snapshot();
        log.WriteLine(
            $"silo payouts: pipeline stopped after {pipeline.Rounds} rounds; batches opened {snapshot.BatchesOpened}, final {snapshot.BatchesFinal}, failed {snapshot.BatchesFailed}; " +
            $"treasury shortfall waits {snapshot.TreasuryShortfallWaits}");
        var batches = await BatchesAsync(store, cancellationToken);
        var (recorded, confirmed) = await VerifyAsync(store, client, merchants, treasuryBefore, settings.Payouts, cancellationToken);
        var final = batches.Where(static b => b.Status == PayoutBatchStatus.Final).ToList();
        return new SiloPayoutResult(
            settings.Payouts,
            recorded,
            confirmed,
            (int)snapshot.PayoutsFailed,
            complete && confirmed == settings.Payouts,
            seconds,
            creationSeconds,
            batches.Count,
            batchCap,
            batches.Count == 0 ? 0 : batches.Max(static b => b.PayoutIds.Count),
            batches.Count == 0 ? 0 : batches.Average(static b => b.PayoutIds.Count),
            final.Count == 0 ? 0 : final.Average(static b => (b.UpdatedAt - b.CreatedAt).TotalSeconds),
            rounds,
            chainSeconds);
    }

    private static async Task<IReadOnlyList<(UInt128 Participant, UInt128 Account)>> FundMerchantsAsync(LedgerEngine engine, SiloPayoutSettings settings, CancellationToken cancellationToken)
    {
        var merchants = Enumerable.Range(0, settings.Merchants).Select(static k => (Participant: FirstMerchantId + (uint)k, Account: FirstMerchantAccountId + (uint)k)).ToList();
        var accounts = new List<Account> { new() { Id = FundingAccountId, Ledger = Usdc.Ledger, Code = 10, UserData128 = OperatorId } };
        accounts.AddRange(merchants.Select(static m => new Account
        {
            Id = m.Account,
            Ledger = Usdc.Ledger,
            Code = PayoutProcessor.MerchantPayableCode,
            UserData128 = m.Participant,
            Flags = AccountFlags.DebitsMustNotExceedCredits,
        }));
        var opened = await engine.CreateAccountsAsync(accounts, cancellationToken);
        var refusedAccounts = opened.Results.Where(static r => r.Result != CreateAccountResult.Created).Select(static r => r.Result.Name()).ToList();
        if (refusedAccounts.Count > 0)
        {
            throw new InvalidOperationException($"Creating the benchmark's accounts: {string.Join(", ", refusedAccounts)}.");
        }

        // Each merchant gets enough for its share of the payouts and one more.
        var share = (uint)((settings.Payouts / settings.Merchants) + 2);
        var funding = merchants.Select((m, k) => new Transfer
        {
            Id = (uint)k + 1,
            DebitAccountId = FundingAccountId,
            CreditAccountId = m.Account,
            Amount = Amount * share,
            Ledger = Usdc.Ledger,
            Code = 1,
        }).ToList();
        var funded = await engine.CreateTransfersAsync(funding, UInt128.Zero, cancellationToken);
        var refusedTransfers = funded.Results.Where(static r => r.Result != CreateTransferResult.Created).Select(static r => r.Result.Name()).ToList();
        if (refusedTransfers.Count > 0)
        {
            throw new InvalidOperationException($"Funding the merchants: {string.Join(", ", refusedTransfers)}.");
        }

        return merchants;
    }

    /// <summary>Creates payout i of merchant i mod M to the i-th new recipient; a refusal stops the run.</summary>
    private static async Task<int> CreatePayoutsAsync(
        PayoutProcessor processor, IReadOnlyList<(UInt128 Participant, UInt128 Account)> merchants, SiloPayoutSettings settings, CancellationToken cancellationToken)
    {
        var next = -1;
        var created = 0;
        var callers = Enumerable.Range(0, settings.Creators).Select(async _ =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < settings.Payouts)
            {
                var (participant, account) = merchants[i % merchants.Count];
                var request = new PayoutRequest(FirstPayoutId + (uint)i, account, Amount, PayoutRail.Erc20, Recipients.Address(Recipients.SiloSeries, i));
                var outcome = await processor.CreateAsync(request, Usdc, Usdc.Code, TokenDecimals, participant, callerIsOperator: false, cancellationToken);
                if (outcome.Error != PayoutError.None || !outcome.Created)
                {
                    throw new InvalidOperationException($"Payout {request.Id} was not created: {outcome.Error} {outcome.LedgerResult}.");
                }

                Interlocked.Increment(ref created);
            }
        }).ToList();
        await Task.WhenAll(callers);
        return created;
    }

    private static async Task<List<PayoutBatch>> BatchesAsync(IPayoutStore store, CancellationToken cancellationToken)
    {
        var batches = new List<PayoutBatch>();
        for (ulong seq = 1; await store.GetBatchAsync(seq, cancellationToken) is { } batch; seq++)
        {
            batches.Add(batch);
        }

        return batches;
    }

    /// <summary>
    /// Counts the recorded and the Confirmed payouts and checks that every Confirmed one has its hold posted
    /// and reads paid on chain; that the merchants' posted debits and the clearing account's posted credits
    /// equal the Confirmed count times the amount; and that the treasury's token outflow equals the count
    /// paid on chain (more than the Confirmed only when the bound stopped the run with a batch mined but not
    /// final) times the amount. Throws on any disagreement.
    /// </summary>
    private static async Task<(int Recorded, int Confirmed)> VerifyAsync(
        SqliteLedgerStore store, ChainPayoutClient client, IReadOnlyList<(UInt128 Participant, UInt128 Account)> merchants, BigInteger treasuryBefore, int requested, CancellationToken cancellationToken)
    {
        var recordedIds = new List<UInt128>(requested);
        var confirmed = new List<bool>(requested);
        for (var i = 0; i < requested; i++)
        {
            var id = FirstPayoutId + (uint)i;
            if (await store.GetPayoutAsync(id, cancellationToken) is not { } payout)
            {
                continue;
            }

            recordedIds.Add(id);
            confirmed.Add(payout.Status == PayoutStatus.Confirmed);
            var hold = await store.GetTransferAsync(PayoutLegs.HoldId(id), cancellationToken);
            if (payout.Status == PayoutStatus.Confirmed && hold?.Pending is not { Status: PendingStatus.Posted })
            {
                throw new InvalidOperationException($"Payout {id} is Confirmed but its hold is {hold?.Pending?.Status.ToString() ?? "missing"}.");
            }
        }

        var paid = await client.ArePaidAsync(recordedIds, cancellationToken);
        if (confirmed.Where((isConfirmed, i) => isConfirmed && !paid[i]).Count() is var unpaid and > 0)
        {
            throw new InvalidOperationException($"{unpaid} Confirmed payouts do not read paid on chain.");
        }

        var confirmedCount = confirmed.Count(static c => c);
        var expected = Amount * (uint)confirmedCount;
        UInt128 debited = 0;
        foreach (var (_, account) in merchants)
        {
            debited += (await store.GetAccountAsync(account, cancellationToken))?.DebitsPosted
                ?? throw new InvalidOperationException($"Merchant account {account} is missing.");
        }

        var clearing = await store.GetAccountAsync(OperatorAccounts.PayoutClearingId(Usdc.Ledger), cancellationToken)
            ?? throw new InvalidOperationException("The payout clearing account is missing.");
        var outflow = treasuryBefore - await client.TreasuryBalanceAsync(cancellationToken);
        var paidOut = (BigInteger)(ulong)Amount * paid.Count(static p => p);
        if (debited != expected || clearing.CreditsPosted != expected || outflow != paidOut)
        {
            throw new InvalidOperationException(
                $"{confirmedCount} payouts confirmed ({expected} units) and {paid.Count(static p => p)} paid on chain ({paidOut} units): " +
                $"the merchants were debited {debited}, clearing credited {clearing.CreditsPosted}, the treasury paid {outflow}.");
        }

        return (recordedIds.Count, confirmedCount);
    }

    /// <summary>The one chain the run pays on.</summary>
    private sealed class FixedPayoutChain(IPayoutChain chain) : IPayoutChainSource
    {
        public IPayoutChain? Current => chain;
    }
}

using System.Globalization;
using System.Text.Json;
using Ledger.Bench;
using Ledger.Bench.Payouts;
using Ledger.Core.Storage;
using Ledger.Storage.Postgres;
using Ledger.Storage.Sqlite;

// make bench: measures on this machine and prints one JSON line last. Options:
//   --transfers N          engine transfers (default 491,340: 60 full batches)
//   --accounts N           engine and baseline accounts (default 10,000)
//   --http-seconds S       length of each HTTP run (default 10)
//   --engine-only          skip the HTTP runs
//   --postgres CS|auto     run on PostgreSQL instead of SQLite: the server of connection string CS (LEDGER_DB,
//                          when set, is taken the same way), or with "auto" a throwaway server from
//                          scripts/postgres.sh; adds the one-transaction-per-transfer baseline
//   --pg-clients N         PostgreSQL mode: concurrent engine callers and baseline connections (default 16)
//   --baseline-seconds S   PostgreSQL mode: length of the baseline run (default 10)
//   --profile              time each step of the engine's commits and print where a batch's time goes
//   --payouts              only the payout figures (bench/README.md): PayoutBatcher gas by batch size, then payouts per
//                          minute through the silo's pipeline, on an anvil of its own; with
//   --payout-count N       payouts created for the silo run (default 2,000)
//   --payout-seconds S     bound on the silo run, creation included (default 300)
//   --payout-creators N    concurrent PayoutProcessor callers (default 4), --payout-merchants N merchant accounts (default 10)
//   --payout-block-time S  anvil's block interval (default 1, the node's), --payout-confirmations N finality depth (default 2, the node's)
//   --payout-interval S    the pipeline's round interval (default 1, the node's)
var options = args.Select((value, index) => (value, index)).ToDictionary(p => p.value, p => p.index);
string? Option(string name) => options.TryGetValue(name, out var i) && i + 1 < args.Length ? args[i + 1] : null;
var engineTransfers = int.Parse(Option("--transfers") ?? "491340", CultureInfo.InvariantCulture);
var engineAccounts = int.Parse(Option("--accounts") ?? "10000", CultureInfo.InvariantCulture);
var httpSeconds = double.Parse(Option("--http-seconds") ?? "10", CultureInfo.InvariantCulture);
var postgres = Option("--postgres") ?? NonEmpty(Environment.GetEnvironmentVariable("LEDGER_DB"));
var pgClients = int.Parse(Option("--pg-clients") ?? "16", CultureInfo.InvariantCulture);
var baselineSeconds = double.Parse(Option("--baseline-seconds") ?? "10", CultureInfo.InvariantCulture);
var engineOnly = options.ContainsKey("--engine-only");
var profile = options.ContainsKey("--profile");
var payouts = options.ContainsKey("--payouts");
var log = Console.Out;

var work = Directory.CreateTempSubdirectory("ledger-bench-");
var result = new Dictionary<string, double?>();
try
{
    log.WriteLine($"machine: {Environment.ProcessorCount} cores, {Environment.OSVersion}, .NET {Environment.Version}");
    if (payouts)
    {
        var silo = new SiloPayoutSettings(
            int.Parse(Option("--payout-count") ?? "2000", CultureInfo.InvariantCulture),
            int.Parse(Option("--payout-merchants") ?? "10", CultureInfo.InvariantCulture),
            int.Parse(Option("--payout-creators") ?? "4", CultureInfo.InvariantCulture),
            TimeSpan.FromSeconds(double.Parse(Option("--payout-interval") ?? "1", CultureInfo.InvariantCulture)),
            TimeSpan.FromSeconds(double.Parse(Option("--payout-seconds") ?? "300", CultureInfo.InvariantCulture)));
        await PayoutFigures.RunAsync(
            work.FullName,
            int.Parse(Option("--payout-block-time") ?? "1", CultureInfo.InvariantCulture),
            int.Parse(Option("--payout-confirmations") ?? "2", CultureInfo.InvariantCulture),
            silo,
            result,
            log);
    }
    else if (postgres is null)
    {
        await using (var store = Profiled(new SqliteLedgerStore(Path.Combine(work.FullName, "engine.db"))))
        {
            result["engine_tps"] = Math.Round(await EngineBench.RunAsync(store, "engine", engineAccounts, engineTransfers, clients: 1, log));
        }

        if (!engineOnly)
        {
            await using var node = await NodeProcess.StartAsync(Path.Combine(work.FullName, "node"), database: null, log);
            var http = new HttpBench(node, log);
            await http.CreateAccountsAsync(1000);
            var duration = TimeSpan.FromSeconds(httpSeconds);
            var batch100 = await http.ThroughputAsync(100, clients: 16, duration, requestsMax: 20_000);
            var batch8189 = await http.ThroughputAsync(8189, clients: 4, duration, requestsMax: 120);
            var (p50, p99) = await http.LatencyAsync(100, batch100 / 2, duration);
            result["http_tps_batch100"] = Math.Round(batch100);
            result["http_tps_batch8189"] = Math.Round(batch8189);
            result["commit_p50_ms"] = Math.Round(p50, 2);
            result["commit_p99_ms"] = Math.Round(p99, 2);
        }
    }
    else
    {
        // The server is stopped (auto) and its benchmark databases dropped before the JSON line.
        await using var server = await PostgresServer.OpenAsync(postgres, log);
        log.WriteLine($"postgres: {server.Description}, {await server.SettingAsync("server_version")}; fsync={await server.SettingAsync("fsync")}, " +
            $"synchronous_commit={await server.SettingAsync("synchronous_commit")}, shared_buffers={await server.SettingAsync("shared_buffers")}, " +
            $"max_wal_size={await server.SettingAsync("max_wal_size")}, wal_level={await server.SettingAsync("wal_level")}");

        await server.CheckpointAsync();
        double engineTps;
        await using (var store = Profiled(new PostgresLedgerStore(await server.CreateDatabaseAsync("engine"))))
        {
            engineTps = await EngineBench.RunAsync(store, "pg engine", engineAccounts, engineTransfers, pgClients, log);
        }

        await server.CheckpointAsync();
        var baselineTps = await PostgresBaseline.RunAsync(await server.CreateDatabaseAsync("baseline"), engineAccounts, pgClients, TimeSpan.FromSeconds(baselineSeconds), transfersMax: 1_000_000, log);
        result["pg_engine_tps"] = Math.Round(engineTps);
        if (!engineOnly)
        {
            await server.CheckpointAsync();
            await using var node = await NodeProcess.StartAsync(Path.Combine(work.FullName, "node"), await server.CreateDatabaseAsync("http"), log);
            var http = new HttpBench(node, log);
            await http.CreateAccountsAsync(1000);
            result["pg_http_tps"] = Math.Round(await http.ThroughputAsync(8189, clients: 4, TimeSpan.FromSeconds(httpSeconds), requestsMax: 120));
        }

        result["pg_baseline_tps"] = Math.Round(baselineTps);
        result["pg_ratio"] = Math.Round(engineTps / baselineTps, 2);
    }
}
finally
{
    work.Delete(recursive: true);
}

Console.WriteLine(JsonSerializer.Serialize(result));

ILedgerStore Profiled(ILedgerStore store) => profile ? new ProfilingStore(store) : store;

static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;

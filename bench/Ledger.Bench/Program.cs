using System.Globalization;
using System.Text.Json;
using Ledger.Bench;

// make bench: measures on this machine and prints one JSON line last. Options:
//   --transfers N      engine transfers (default 491,340: 60 full batches)
//   --accounts N       engine accounts (default 10,000)
//   --http-seconds S   length of each HTTP run (default 10)
//   --engine-only      skip the HTTP runs
var options = args.Select((value, index) => (value, index)).ToDictionary(p => p.value, p => p.index);
string? Option(string name) => options.TryGetValue(name, out var i) && i + 1 < args.Length ? args[i + 1] : null;
var engineTransfers = int.Parse(Option("--transfers") ?? "491340", CultureInfo.InvariantCulture);
var engineAccounts = int.Parse(Option("--accounts") ?? "10000", CultureInfo.InvariantCulture);
var httpSeconds = double.Parse(Option("--http-seconds") ?? "10", CultureInfo.InvariantCulture);
var log = Console.Out;

var work = Directory.CreateTempSubdirectory("ledger-bench-");
try
{
    log.WriteLine($"machine: {Environment.ProcessorCount} cores, {Environment.OSVersion}, .NET {Environment.Version}");
    var result = new Dictionary<string, double?>
    {
        ["engine_tps"] = Math.Round(await EngineBench.RunAsync(work.FullName, engineAccounts, engineTransfers, log)),
    };

    if (!options.ContainsKey("--engine-only"))
    {
        await using var node = await NodeProcess.StartAsync(Path.Combine(work.FullName, "node"), log);
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

    Console.WriteLine(JsonSerializer.Serialize(result));
}
finally
{
    work.Delete(recursive: true);
}

using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Ledger.Api.Chain;
using Ledger.Api.Tests.Infrastructure;
using Ledger.Chain.Contracts;
using Ledger.Chain.Rpc;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace Ledger.Api.Tests;

/// <summary>
/// End to end over the embedded node and its anvil: transfers in rounds, settled and anchored by the silo;
/// a transfer's proof verifies with the auditor tool (its own process) and with the contract's
/// verifyInclusion by eth_call; a stored transfer changed by hand is caught by replay.
/// </summary>
[Collection(LocalChainCollection.Name)]
public sealed class AuditTests
{
    private static readonly TimeSpan FinalWithin = TimeSpan.FromSeconds(120);

    [Fact]
    public async Task Proofs_verify_with_the_auditor_tool_and_the_contract_and_replay_catches_a_rewritten_record()
    {
        var dataDirectory = TestNode.NewDataDirectory();
        try
        {
            await using var node = await TestNode.StartAsync(dataDirectory, configure: static o =>
            {
                o.StartLocalChain = true;
                o.SettlementInterval = TimeSpan.FromSeconds(1);
            });
            var scenario = new Scenario(node);
            using var op = node.AsOperator();
            var funding = await scenario.OpenFundingAccountAsync();
            var target = await scenario.OpenFundingAccountAsync();
            var transfers = new List<string>();
            for (var round = 0; round < 3; round++)
            {
                for (var i = 0; i < 4; i++)
                {
                    transfers.Add(await scenario.TransferAsync(op, funding, target, (100 + round * 10 + i).ToString(System.Globalization.CultureInfo.InvariantCulture)));
                }

                await WaitForFinalAsync(op, transfers[^1]);
            }

            var session = node.Services.GetRequiredService<ChainConnection>().Session!;
            var rpc = session.Info.RpcUrl.ToString();
            var settlements = (await op.GetAsync("/v1/settlements")).Json.GetProperty("settlements");
            Assert.True(settlements.GetArrayLength() >= 3, settlements.ToString());
            foreach (var settlement in settlements.EnumerateArray())
            {
                var sum = settlement.GetProperty("net_positions").EnumerateArray().Sum(static p => decimal.Parse(p.GetProperty("net").GetString()!, System.Globalization.CultureInfo.InvariantCulture));
                Assert.Equal(0m, sum);
            }

            foreach (var id in new[] { transfers[0], transfers[5], transfers[^1] })
            {
                var proof = await op.GetAsync($"/v1/proofs/transfers/{id}");
                Assert.True(proof.Status == HttpStatusCode.OK, proof.ToString());
                var json = proof.Json;

                // By eth_call alone: the contract's verifyInclusion at the anchor's seq.
                var path = json.GetProperty("audit_path").EnumerateArray().Select(static h => Hash32.Parse(h.GetString()!)).ToList();
                var included = await session.Contracts.Anchor.VerifyInclusionAsync(
                    json.GetProperty("anchor").GetProperty("seq").GetUInt64(),
                    json.GetProperty("leaf_index").GetUInt64(),
                    Hash32.Parse(json.GetProperty("leaf_hash").GetString()!),
                    path,
                    BlockTag.Latest,
                    CancellationToken.None);
                Assert.True(included, json.ToString());

                // By the auditor's tool, from the node's URL.
                var (exit, output) = await AuditorAsync("verify-proof", $"{node.BaseAddress}v1/proofs/transfers/{id}", "--rpc", rpc, "--api-key", node.OperatorKey);
                Assert.True(exit == 0, output);
            }

            // Even the node's own key cannot anchor a head that does not extend the last: a longer tree with
            // another history (a made-up root, the real consistency proof of the sizes) is refused.
            var latest = await session.Contracts.Anchor.GetLatestAsync(BlockTag.Latest, CancellationToken.None);
            var realProof = (await op.GetAsync($"/v1/proofs/consistency?from={latest.TreeSize}&to={latest.TreeSize}")).Json;
            Assert.Equal(0, realProof.GetProperty("proof").GetArrayLength());
            var forged = await Assert.ThrowsAsync<ContractRevertException>(() => session.Contracts.Anchor.AnchorAsync(
                latest.TreeSize + 1, Hash32.FromBytes(Ledger.Chain.Crypto.Keccak256.Hash("rewritten history")), [latest.Root], CancellationToken.None));
            Assert.Equal("SettlementAnchorInconsistent", forged.Error?.Name);
            var shrunk = await Assert.ThrowsAsync<ContractRevertException>(() => session.Contracts.Anchor.AnchorAsync(
                latest.TreeSize, latest.Root, [], CancellationToken.None));
            Assert.Equal("SettlementAnchorTreeSizeNotGrowing", shrunk.Error?.Name);

            var (replayExit, replayOutput) = await AuditorAsync("replay", "--api", node.BaseAddress.ToString(), "--rpc", rpc, "--api-key", node.OperatorKey, "--no-progress");
            Assert.True(replayExit == 0, replayOutput);

            // Rewrite history behind the node's back: one byte of the amount of log index 1.
            await using (var database = new SqliteConnection($"Data Source={Path.Combine(dataDirectory, "ledger.db")}"))
            {
                await database.OpenAsync();
                await using var update = database.CreateCommand();
                update.CommandText = "UPDATE transfers SET record = (substr(record, 1, 63) || x'ff' || substr(record, 65)) WHERE log_index = 1";
                Assert.Equal(1, await update.ExecuteNonQueryAsync());
            }

            var (tamperedExit, tamperedOutput) = await AuditorAsync("replay", "--api", node.BaseAddress.ToString(), "--rpc", rpc, "--api-key", node.OperatorKey, "--no-progress");
            Assert.True(tamperedExit == 1, tamperedOutput);
        }
        finally
        {
            TestNode.DeleteQuietly(dataDirectory);
        }
    }

    private static async Task WaitForFinalAsync(ApiClient op, string transferId)
    {
        var waited = Stopwatch.StartNew();
        while (true)
        {
            var transfer = (await op.GetAsync($"/v1/transfers/{transferId}")).Json;
            if (transfer.GetProperty("settlement_seq").ValueKind == JsonValueKind.Number)
            {
                var seq = transfer.GetProperty("settlement_seq").GetUInt64();
                var settlement = (await op.GetAsync($"/v1/settlements/{seq}")).Json;
                if (settlement.GetProperty("anchor").GetProperty("status").GetString() == "final")
                {
                    return;
                }
            }

            Assert.True(waited.Elapsed < FinalWithin, $"Transfer {transferId} was not in a final batch within {FinalWithin.TotalSeconds} s.");
            await Task.Delay(200);
        }
    }

    private static async Task<(int Exit, string Output)> AuditorAsync(params string[] arguments)
    {
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "Ledger.sln")))
        {
            root = root.Parent;
        }

        var configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Debug{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Debug" : "Release";
        var dll = Path.Combine(root!.FullName, "tools", "Ledger.Auditor", "bin", configuration, "net10.0", "ledger-audit.dll");
        var start = new ProcessStartInfo("dotnet", [dll, .. arguments]) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout + await stderr);
    }
}

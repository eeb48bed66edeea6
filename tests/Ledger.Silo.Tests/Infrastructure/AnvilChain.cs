using Ledger.Chain.Local;
using Ledger.Chain.Rpc;

namespace Ledger.Silo.Tests.Infrastructure;

/// <summary>A real anvil on a free loopback port for one test class, with a scratch folder for nonce files and databases.</summary>
public sealed class AnvilChain : IAsyncLifetime
{
    private int files;

    public AnvilProcess Anvil { get; private set; } = null!;

    public JsonRpcClient Rpc { get; private set; } = null!;

    public EthClient Eth { get; private set; } = null!;

    public AnvilControl Control { get; private set; } = null!;

    public string Folder { get; } = Directory.CreateTempSubdirectory("ledger-silo-tests-").FullName;

    public async Task InitializeAsync()
    {
        Anvil = await AnvilProcess.StartAsync(new AnvilOptions(), CancellationToken.None);
        Rpc = new JsonRpcClient(new JsonRpcClientOptions { Endpoint = Anvil.RpcUri });
        Eth = new EthClient(Rpc);
        Control = new AnvilControl(Rpc);
    }

    public async Task DisposeAsync()
    {
        Rpc.Dispose();
        await Anvil.DisposeAsync();
        Directory.Delete(Folder, recursive: true);
    }

    /// <summary>A fresh path in the scratch folder.</summary>
    public string NewFile(string name) => Path.Combine(Folder, $"{Interlocked.Increment(ref files)}-{name}");
}

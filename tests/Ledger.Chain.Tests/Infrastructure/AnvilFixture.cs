using Ledger.Chain.Crypto;
using Ledger.Chain.Local;
using Ledger.Chain.Rpc;
using Ledger.Chain.Sending;

namespace Ledger.Chain.Tests.Infrastructure;

/// <summary>
/// A real anvil started on a free loopback port for one test class and stopped after it, with a
/// scratch folder for nonce files and state.
/// </summary>
public sealed class AnvilFixture : IAsyncLifetime
{
    private int _files;

    public AnvilProcess Anvil { get; private set; } = null!;

    public JsonRpcClient Rpc { get; private set; } = null!;

    public EthClient Eth { get; private set; } = null!;

    public AnvilControl Control { get; private set; } = null!;

    public string Folder { get; } = Directory.CreateTempSubdirectory("ledger-chain-tests-").FullName;

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
    public string NewFile(string name) => Path.Combine(Folder, $"{Interlocked.Increment(ref _files)}-{name}");

    /// <summary>A sender for the key with its own nonce file.</summary>
    public Task<TransactionSender> SenderAsync(EthKey key, TransactionSenderOptions? options = null) =>
        TransactionSender.CreateAsync(Eth, key, NewFile("nonces.json"), options ?? FastOptions, CancellationToken.None);

    /// <summary>Receipts on anvil's automine appear at once; a short poll keeps the suite quick.</summary>
    public static TransactionSenderOptions FastOptions { get; } = new()
    {
        ReceiptPollInterval = TimeSpan.FromMilliseconds(20),
        ReceiptTimeout = TimeSpan.FromSeconds(20),
    };
}

using System.Text.Json;
using System.Text.Json.Nodes;
using Ledger.Chain.Abi;
using Ledger.Chain.Rpc;

namespace Ledger.Chain.Deployment;

/// <summary>
/// Where the four contracts live on one chain, and the block by which all were deployed. The node keeps
/// it as JSON in its data folder; loading it checks that the node is on the same chain and that code
/// exists at every address, so a reset local chain is noticed instead of being written to blindly.
/// </summary>
public sealed record ContractDeployment(ulong ChainId, Address Anchor, Address Escrow, Address Payouts, Address Stablecoin, ulong Block)
{
    public string ToJson()
    {
        var json = new JsonObject
        {
            ["chain_id"] = ChainId,
            ["anchor"] = Anchor.ToString(),
            ["escrow"] = Escrow.ToString(),
            ["payouts"] = Payouts.ToString(),
            ["stablecoin"] = Stablecoin.ToString(),
            ["block"] = Block,
        };
        return json.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
    }

    /// <summary>Parses the JSON of <see cref="ToJson"/>, naming the member that is missing or wrong.</summary>
    public static ContractDeployment FromJson(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        JsonNode? node;
        try
        {
            node = JsonNode.Parse(text);
        }
        catch (JsonException exception)
        {
            throw new InvalidDataException($"The deployment is not valid JSON: {exception.Message}", exception);
        }

        if (node is not JsonObject json)
        {
            throw new InvalidDataException("The deployment is not a JSON object.");
        }

        return new ContractDeployment(
            Number(json, "chain_id"),
            AddressOf(json, "anchor"),
            AddressOf(json, "escrow"),
            AddressOf(json, "payouts"),
            AddressOf(json, "stablecoin"),
            Number(json, "block"));
    }

    /// <summary>Writes the JSON atomically: a flushed temporary file renamed over the old one.</summary>
    public async Task SaveAsync(string path, CancellationToken cancellationToken)
    {
        var full = Path.GetFullPath(path);
        var directory = Path.GetDirectoryName(full)!;
        Directory.CreateDirectory(directory);
        var temporary = Path.Combine(directory, $".{Path.GetFileName(full)}.{Environment.ProcessId}.tmp");
        await using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            await stream.WriteAsync(System.Text.Encoding.UTF8.GetBytes(ToJson()), cancellationToken);
            stream.Flush(flushToDisk: true);
        }

        File.Move(temporary, full, overwrite: true);
    }

    /// <summary>
    /// Reads the file and checks it against the node in one batch: the chain id must match and every
    /// address must hold code. Returns null when the file does not exist (nothing deployed yet).
    /// </summary>
    public static async Task<ContractDeployment?> LoadAsync(string path, EthClient eth, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(eth);
        if (!File.Exists(path))
        {
            return null;
        }

        var deployment = FromJson(await File.ReadAllTextAsync(path, cancellationToken));
        await deployment.VerifyAsync(eth, cancellationToken);
        return deployment;
    }

    /// <summary>Throws <see cref="InvalidDataException"/> unless the node is on this chain and code exists at all four addresses.</summary>
    public async Task VerifyAsync(EthClient eth, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(eth);
        var roles = new (string Role, Address Address)[]
        {
            ("anchor", Anchor), ("escrow", Escrow), ("payouts", Payouts), ("stablecoin", Stablecoin),
        };
        var requests = new List<JsonRpcRequest> { JsonRpcRequest.Read("eth_chainId") };
        requests.AddRange(roles.Select(r => JsonRpcRequest.Read("eth_getCode", r.Address.ToString(), BlockTag.Latest.ToJson())));
        var answers = await eth.Rpc.BatchAsync(requests, cancellationToken);
        var chainId = Encoding.Hex.ParseQuantityUInt64(answers[0].Result.GetString() ?? string.Empty);
        if (chainId != ChainId)
        {
            throw new InvalidDataException($"The deployment is for chain {ChainId}; the node is on chain {chainId}.");
        }

        for (var i = 0; i < roles.Length; i++)
        {
            var code = answers[i + 1].Result.GetString();
            if (code is null or "0x" or "0X")
            {
                throw new InvalidDataException(
                    $"No code at the {roles[i].Role} address {roles[i].Address} on chain {ChainId}: the chain was reset or the deployment file is stale.");
            }
        }
    }

    private static ulong Number(JsonObject json, string name) =>
        json[name] is JsonValue value && value.TryGetValue<ulong>(out var number)
            ? number
            : throw new InvalidDataException($"The deployment's '{name}' is missing or not a whole number.");

    private static Address AddressOf(JsonObject json, string name) =>
        json[name] is JsonValue value && value.TryGetValue<string>(out var text) && Address.TryParse(text, out var address)
            ? address
            : throw new InvalidDataException($"The deployment's '{name}' is missing or not an address.");
}

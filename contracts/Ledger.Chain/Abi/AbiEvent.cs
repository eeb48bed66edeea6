using Ledger.Chain.Crypto;

namespace Ledger.Chain.Abi;

/// <summary>
/// A (non-anonymous) contract event: topic 0 is keccak256 of the canonical signature, then one topic per indexed parameter,
/// and the non-indexed parameters ABI-encoded in the log data.
/// </summary>
public sealed class AbiEvent
{
    private AbiEvent(string name, IReadOnlyList<AbiParameter> parameters)
    {
        Name = name;
        Parameters = parameters;
        Signature = AbiSignatureParser.Canonical(name, [.. parameters.Select(p => p.Type)]);
        Topic0 = Keccak256.Hash(Signature);
    }

    public string Name { get; }

    public IReadOnlyList<AbiParameter> Parameters { get; }

    public string Signature { get; }

    public byte[] Topic0 { get; }

    /// <summary>Parses e.g. "Anchored(uint64 indexed seq,uint64 treeSize,bytes32 root)". Unnamed parameters are keyed by position ("0", "1" ...).</summary>
    public static AbiEvent Parse(string signature)
    {
        var (name, parameters) = AbiSignatureParser.ParseSignature(signature, allowIndexed: true);
        if (parameters.Count(p => p.Indexed) > 3)
        {
            throw new FormatException($"Event '{signature}' indexes more than 3 parameters.");
        }
        return new AbiEvent(name, parameters);
    }

    /// <summary>
    /// The parameters of one log, by name. Indexed elementary types (integers, address, bool, bytesM) are decoded from their topic;
    /// other indexed types (bytes, string, arrays, tuples) are stored as a hash, and come back as that 32-byte topic.
    /// </summary>
    public IReadOnlyDictionary<string, object?> Decode(IReadOnlyList<byte[]> topics, ReadOnlySpan<byte> data)
    {
        ArgumentNullException.ThrowIfNull(topics);
        var indexed = Parameters.Where(p => p.Indexed).ToList();
        if (topics.Count != 1 + indexed.Count)
        {
            throw new FormatException($"Log of {Signature} needs {1 + indexed.Count} topic(s); got {topics.Count}.");
        }
        if (!topics[0].AsSpan().SequenceEqual(Topic0))
        {
            throw new FormatException($"Log topic 0 is not the topic of {Signature}.");
        }
        var dataValues = AbiCodec.Decode([.. Parameters.Where(p => !p.Indexed).Select(p => p.Type)], data);
        var result = new Dictionary<string, object?>(StringComparer.Ordinal);
        int nextTopic = 1, nextData = 0;
        for (var i = 0; i < Parameters.Count; i++)
        {
            var parameter = Parameters[i];
            var key = parameter.Name.Length > 0 ? parameter.Name : i.ToString(System.Globalization.CultureInfo.InvariantCulture);
            result[key] = parameter.Indexed ? DecodeTopic(parameter.Type, topics[nextTopic++]) : dataValues[nextData++];
        }
        return result;
    }

    private static object? DecodeTopic(AbiType type, byte[] topic)
    {
        if (topic is null || topic.Length != 32)
        {
            throw new FormatException("A log topic is 32 bytes.");
        }
        return type.IsElementary ? AbiCodec.Decode(type, topic) : topic.ToArray();
    }

    public override string ToString() => Signature;
}

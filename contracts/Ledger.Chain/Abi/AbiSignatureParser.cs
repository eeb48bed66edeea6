namespace Ledger.Chain.Abi;

/// <summary>
/// Reads human-readable ABI signatures: "name(type [indexed] [paramName], ...)" and bare types. Whitespace is allowed between
/// tokens; "uint" and "int" mean 256 bits, as in Solidity.
/// </summary>
internal sealed class AbiSignatureParser
{
    private readonly string _text;
    private int _at;

    private AbiSignatureParser(string text) => _text = text;

    /// <summary>The canonical signature that selectors and topics hash: "name(type1,type2)", canonical types, no spaces.</summary>
    public static string Canonical(string name, IEnumerable<AbiType> types) =>
        $"{name}({string.Join(",", types.Select(t => t.CanonicalName))})";

    public static AbiType ParseType(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var parser = new AbiSignatureParser(text);
        var type = parser.ReadType();
        parser.ExpectEnd();
        return type;
    }

    /// <summary>"Name(params)": the name, then the parameters; "indexed" is allowed only when <paramref name="allowIndexed"/>.</summary>
    public static (string Name, IReadOnlyList<AbiParameter> Parameters) ParseSignature(string text, bool allowIndexed)
    {
        ArgumentNullException.ThrowIfNull(text);
        var parser = new AbiSignatureParser(text);
        parser.SkipSpace();
        var name = parser.ReadIdentifier();
        if (name.Length == 0 || char.IsAsciiDigit(name[0]))
        {
            throw parser.Error("a name");
        }
        var parameters = parser.ReadParameterList(allowIndexed);
        parser.ExpectEnd();
        return (name, parameters);
    }

    /// <summary>A parenthesised parameter list "(T1 a, T2 b)", as a function's outputs are written.</summary>
    public static IReadOnlyList<AbiParameter> ParseParameterList(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var parser = new AbiSignatureParser(text);
        var parameters = parser.ReadParameterList(allowIndexed: false);
        parser.ExpectEnd();
        return parameters;
    }

    private List<AbiParameter> ReadParameterList(bool allowIndexed)
    {
        Expect('(');
        var parameters = new List<AbiParameter>();
        SkipSpace();
        if (TryTake(')'))
        {
            return parameters;
        }
        do
        {
            parameters.Add(ReadParameter(allowIndexed));
            SkipSpace();
        }
        while (TryTake(','));
        Expect(')');
        var names = parameters.Where(p => p.Name.Length > 0).Select(p => p.Name).ToList();
        if (names.Count != names.Distinct(StringComparer.Ordinal).Count())
        {
            throw new FormatException($"Signature '{_text}' names a parameter twice.");
        }
        return parameters;
    }

    private AbiParameter ReadParameter(bool allowIndexed)
    {
        var type = ReadType();
        SkipSpace();
        var indexed = false;
        var name = ReadIdentifier();
        if (name == "indexed" && allowIndexed)
        {
            indexed = true;
            SkipSpace();
            name = ReadIdentifier();
        }
        if (name.Length > 0 && char.IsAsciiDigit(name[0]))
        {
            throw Error("a parameter name");
        }
        return new AbiParameter(name, type, indexed);
    }

    private AbiType ReadType()
    {
        SkipSpace();
        AbiType type;
        if (Peek() == '(')
        {
            type = AbiType.Tuple([.. ReadParameterList(allowIndexed: false).Select(p => p.Type)]);
        }
        else
        {
            var start = _at;
            type = ElementaryType(ReadIdentifier(), start);
        }
        while (Peek() == '[')
        {
            _at++;
            var digitsStart = _at;
            while (_at < _text.Length && char.IsAsciiDigit(_text[_at]))
            {
                _at++;
            }
            var digits = _text[digitsStart.._at];
            Expect(']', skipSpace: false);
            if (digits.Length == 0)
            {
                type = AbiType.ArrayOf(type);
            }
            else if (digits[0] == '0' || digits.Length > 9)
            {
                throw new FormatException($"Array length '{digits}' in '{_text}' is not a positive number without leading zeros.");
            }
            else
            {
                type = AbiType.FixedArrayOf(type, int.Parse(digits, System.Globalization.CultureInfo.InvariantCulture));
            }
        }
        return type;
    }

    private AbiType ElementaryType(string name, int start)
    {
        switch (name)
        {
            case "address": return AbiType.AddressType;
            case "bool": return AbiType.BoolType;
            case "bytes": return AbiType.BytesType;
            case "string": return AbiType.StringType;
            case "uint": return AbiType.UInt(256);
            case "int": return AbiType.Int(256);
        }
        if (TrySize(name, "uint", out var bits))
        {
            return AbiType.UInt(bits);
        }
        if (TrySize(name, "int", out bits))
        {
            return AbiType.Int(bits);
        }
        if (TrySize(name, "bytes", out var size))
        {
            return AbiType.FixedBytes(size);
        }
        _at = start;
        throw Error("an ABI type");
    }

    private static bool TrySize(string name, string prefix, out int size)
    {
        size = 0;
        if (!name.StartsWith(prefix, StringComparison.Ordinal))
        {
            return false;
        }
        var digits = name.AsSpan(prefix.Length);
        return digits.Length is >= 1 and <= 3 && digits[0] != '0' && int.TryParse(digits, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out size);
    }

    private string ReadIdentifier()
    {
        var start = _at;
        while (_at < _text.Length && (char.IsAsciiLetterOrDigit(_text[_at]) || _text[_at] is '_' or '$'))
        {
            _at++;
        }
        return _text[start.._at];
    }

    private char Peek() => _at < _text.Length ? _text[_at] : '\0';

    private bool TryTake(char c)
    {
        if (Peek() != c)
        {
            return false;
        }
        _at++;
        return true;
    }

    private void Expect(char c, bool skipSpace = true)
    {
        if (skipSpace)
        {
            SkipSpace();
        }
        if (!TryTake(c))
        {
            throw Error($"'{c}'");
        }
    }

    private void SkipSpace()
    {
        while (_at < _text.Length && char.IsWhiteSpace(_text[_at]))
        {
            _at++;
        }
    }

    private void ExpectEnd()
    {
        SkipSpace();
        if (_at != _text.Length)
        {
            throw Error("the end");
        }
    }

    private FormatException Error(string expected) =>
        new($"ABI signature '{_text}': expected {expected} at position {_at}.");
}

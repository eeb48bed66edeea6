using System.Collections.Frozen;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;

namespace Ledger.Api.Wire;

/// <summary>The code a property's problems carry (a wrong JSON type, a value outside its enum or range).</summary>
[AttributeUsage(AttributeTargets.Property, AllowMultiple = false)]
public sealed class WireErrorAttribute : Attribute
{
    public WireErrorAttribute(string code)
    {
        Code = code;
    }

    public string Code { get; }
}

/// <summary>A request body that was read: the value, or the problem to answer with.</summary>
public readonly record struct BodyResult<T>(T? Value, ProblemHttpResult? Problem)
    where T : class;

/// <summary>
/// Reads a JSON request body in three steps, so every bad input gets its own problem code and nothing
/// reaches a handler half-checked: parse (<c>malformed_json</c>), check the shape against the request
/// record's own JSON metadata (unknown, duplicate, missing and mistyped members, each with the path of
/// the member), then deserialize with the strict options. Handlers check meaning (ids, amounts,
/// currencies) afterwards. The request records stay the single description of the body, which is also
/// what the OpenAPI document shows.
/// </summary>
public static class JsonBody
{
    /// <summary>Request bodies nest at most this deep (a batch, its events, their flag lists).</summary>
    public const int DepthMax = 16;

    private static readonly ConditionalWeakTable<JsonTypeInfo, FrozenDictionary<string, JsonPropertyInfo>> PropertyMaps = new();

    public static async Task<BodyResult<T>> ReadAsync<T>(HttpRequest request, Func<JsonElement, ProblemHttpResult?>? precheck = null)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!request.HasJsonContentType())
        {
            return new(null, Problems.Create(StatusCodes.Status415UnsupportedMediaType, "unsupported_media_type", "The body must be JSON, sent as Content-Type: application/json."));
        }

        var options = request.HttpContext.RequestServices.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions;
        JsonDocument document;
        try
        {
            document = await JsonDocument.ParseAsync(request.Body, new JsonDocumentOptions { MaxDepth = DepthMax }, request.HttpContext.RequestAborted);
        }
        catch (JsonException exception)
        {
            return new(null, Problems.BadRequest("malformed_json", $"The body is not valid JSON: {exception.Message}"));
        }

        using (document)
        {
            var root = document.RootElement;
            if (precheck?.Invoke(root) is { } early)
            {
                return new(null, early);
            }

            var typeInfo = options.GetTypeInfo(typeof(T));
            if (CheckValue(root, typeof(T), nullable: false, "invalid_body", string.Empty, options) is { } shape)
            {
                return new(null, Problems.BadRequest(shape.Code, shape.Detail));
            }

            try
            {
                var value = (T?)root.Deserialize(typeInfo);
                return value is null
                    ? new(null, Problems.BadRequest("invalid_body", "The body must be a JSON object."))
                    : new(value, null);
            }
            catch (JsonException exception)
            {
                // The shape check should have caught this; answer 400 all the same, never 500.
                return new(null, Problems.BadRequest("invalid_body", exception.Message));
            }
        }
    }

    private readonly record struct ShapeError(string Code, string Detail);

    private static ShapeError? CheckValue(JsonElement element, Type type, bool nullable, string code, string path, JsonSerializerOptions options)
    {
        var underlying = Nullable.GetUnderlyingType(type);
        if (element.ValueKind == JsonValueKind.Null)
        {
            return nullable || underlying is not null ? null : new ShapeError(code, $"{Describe(path)} must not be null.");
        }

        type = underlying ?? type;
        if (type == typeof(string))
        {
            return element.ValueKind == JsonValueKind.String ? null : new ShapeError(code, $"{Describe(path)} must be a string.");
        }

        if (type == typeof(bool))
        {
            return element.ValueKind is JsonValueKind.True or JsonValueKind.False ? null : new ShapeError(code, $"{Describe(path)} must be true or false.");
        }

        if (type.IsEnum)
        {
            return CheckEnum(element, type, code, path, options);
        }

        if (IntegerRange(type) is { } range)
        {
            return CheckInteger(element, range.Min, range.Max, code, path);
        }

        var typeInfo = options.GetTypeInfo(type);
        return typeInfo.Kind switch
        {
            JsonTypeInfoKind.Object => CheckObject(element, typeInfo, path, options),
            JsonTypeInfoKind.Enumerable => CheckArray(element, typeInfo, code, path, options),
            _ => throw new InvalidOperationException($"Request records may not use {type.Name} ({path}); the shape check does not know it."),
        };
    }

    private static ShapeError? CheckObject(JsonElement element, JsonTypeInfo typeInfo, string path, JsonSerializerOptions options)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            return new ShapeError(path.Length == 0 ? "invalid_body" : "invalid_field", $"{Describe(path)} must be a JSON object.");
        }

        var properties = PropertyMaps.GetValue(typeInfo, static info => info.Properties.ToFrozenDictionary(p => p.Name, StringComparer.Ordinal));
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var member in element.EnumerateObject())
        {
            var memberPath = path.Length == 0 ? member.Name : $"{path}.{member.Name}";
            if (!seen.Add(member.Name))
            {
                return new ShapeError("duplicate_field", $"{memberPath} appears more than once.");
            }

            if (!properties.TryGetValue(member.Name, out var property))
            {
                return new ShapeError("unknown_field", $"{memberPath} is not a known field.");
            }

            var nullable = !property.PropertyType.IsValueType && property.IsSetNullable;
            if (CheckValue(member.Value, property.PropertyType, nullable, CodeOf(property), memberPath, options) is { } error)
            {
                return error;
            }
        }

        foreach (var property in typeInfo.Properties)
        {
            if (property.IsRequired && !seen.Contains(property.Name))
            {
                var memberPath = path.Length == 0 ? property.Name : $"{path}.{property.Name}";
                return new ShapeError("missing_field", $"{memberPath} is required.");
            }
        }

        return null;
    }

    private static ShapeError? CheckArray(JsonElement element, JsonTypeInfo typeInfo, string code, string path, JsonSerializerOptions options)
    {
        if (element.ValueKind != JsonValueKind.Array)
        {
            return new ShapeError(code, $"{Describe(path)} must be a JSON array.");
        }

        var elementType = typeInfo.ElementType ?? throw new InvalidOperationException($"{typeInfo.Type.Name} has no element type.");
        var index = 0;
        foreach (var item in element.EnumerateArray())
        {
            if (CheckValue(item, elementType, nullable: false, code, $"{path}[{index}]", options) is { } error)
            {
                return error;
            }

            index++;
        }

        return null;
    }

    private static ShapeError? CheckEnum(JsonElement element, Type type, string code, string path, JsonSerializerOptions options)
    {
        var names = string.Join(", ", Enum.GetNames(type).Select(n => JsonNamingPolicy.SnakeCaseLower.ConvertName(n)));
        if (element.ValueKind != JsonValueKind.String)
        {
            return new ShapeError(code, $"{Describe(path)} must be a string, one of: {names}.");
        }

        try
        {
            element.Deserialize(options.GetTypeInfo(type));
            return null;
        }
        catch (JsonException)
        {
            return new ShapeError(code, $"{Describe(path)} is '{element.GetString()}'; it must be one of: {names}.");
        }
    }

    private static ShapeError? CheckInteger(JsonElement element, Int128 min, Int128 max, string code, string path)
    {
        if (element.ValueKind != JsonValueKind.Number)
        {
            return new ShapeError(code, $"{Describe(path)} must be an integer from {min} to {max}.");
        }

        Int128 value;
        if (element.TryGetInt64(out var signed))
        {
            value = signed;
        }
        else if (element.TryGetUInt64(out var unsigned))
        {
            value = unsigned;
        }
        else
        {
            return new ShapeError(code, $"{Describe(path)} must be an integer from {min} to {max}, without a fraction or an exponent.");
        }

        return value < min || value > max ? new ShapeError(code, $"{Describe(path)} is {value}; it must be from {min} to {max}.") : null;
    }

    private static (Int128 Min, Int128 Max)? IntegerRange(Type type) =>
        type == typeof(byte) ? (byte.MinValue, byte.MaxValue)
        : type == typeof(sbyte) ? (sbyte.MinValue, sbyte.MaxValue)
        : type == typeof(short) ? (short.MinValue, short.MaxValue)
        : type == typeof(ushort) ? (ushort.MinValue, ushort.MaxValue)
        : type == typeof(int) ? (int.MinValue, int.MaxValue)
        : type == typeof(uint) ? (uint.MinValue, uint.MaxValue)
        : type == typeof(long) ? (long.MinValue, long.MaxValue)
        : type == typeof(ulong) ? (ulong.MinValue, ulong.MaxValue)
        : null;

    private static string CodeOf(JsonPropertyInfo property)
    {
        var attributes = property.AttributeProvider?.GetCustomAttributes(typeof(WireErrorAttribute), inherit: true);
        return attributes is { Length: > 0 } && attributes[0] is WireErrorAttribute wire ? wire.Code : "invalid_field";
    }

    private static string Describe(string path) => path.Length == 0 ? "The body" : path;
}

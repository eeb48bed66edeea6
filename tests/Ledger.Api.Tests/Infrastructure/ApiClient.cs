using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Ledger.Api.Tests.Infrastructure;

/// <summary>An answer: status, media type, and the body parsed as JSON when it is JSON.</summary>
public sealed record ApiResponse(HttpStatusCode Status, string? MediaType, string Text)
{
    public JsonElement Json => JsonDocument.Parse(Text).RootElement.Clone();

    public bool IsProblem => MediaType == "application/problem+json";

    /// <summary>The problem's code; fails the test unless the answer is problem+json with every RFC 9457 member.</summary>
    public string ProblemCode()
    {
        Assert.True(IsProblem, $"Expected application/problem+json, got {MediaType}: {Text}");
        var json = Json;
        foreach (var member in new[] { "type", "title", "status", "detail", "code" })
        {
            Assert.True(json.TryGetProperty(member, out _), $"The problem has no {member}: {Text}");
        }

        Assert.Equal((int)Status, json.GetProperty("status").GetInt32());
        return json.GetProperty("code").GetString()!;
    }

    public override string ToString() => $"{(int)Status} {MediaType}: {Text}";
}

/// <summary>Real HTTP to a test node, with one API key (or none). Bodies are raw JSON text, so tests can send anything.</summary>
public sealed class ApiClient : IDisposable
{
    public static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(30);

    private readonly HttpClient http;

    public ApiClient(Uri baseAddress, string? apiKey)
    {
        http = new HttpClient { BaseAddress = baseAddress, Timeout = RequestTimeout };
        if (apiKey is not null)
        {
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
        }
    }

    public Task<ApiResponse> GetAsync(string path) => SendAsync(HttpMethod.Get, path, null);

    public Task<ApiResponse> PostAsync(string path, string json) => SendAsync(HttpMethod.Post, path, json);

    public Task<ApiResponse> PostAsync(string path, object body) => SendAsync(HttpMethod.Post, path, JsonSerializer.Serialize(body));

    public async Task<ApiResponse> SendAsync(HttpMethod method, string path, string? json, string mediaType = "application/json")
    {
        using var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative));
        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, mediaType);
        }

        using var response = await http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return new ApiResponse(response.StatusCode, response.Content.Headers.ContentType?.MediaType, text);
    }

    public void Dispose() => http.Dispose();
}

using System.Net.Http.Headers;

namespace Ledger.Auditor.Api;

/// <summary>
/// GETs against the ledger's HTTP API with the auditor's key (API.md "Conventions": Authorization: Bearer),
/// each answer bounded in size and read as text.
/// </summary>
internal sealed class ApiHttp : IDisposable
{
    /// <summary>The environment variable that holds the API key when --api-key is not given.</summary>
    public const string ApiKeyVariable = "LEDGER_API_KEY";

    private readonly HttpClient _http;

    public ApiHttp(string? apiKey, int maxResponseBytes, TimeSpan timeout)
    {
        _http = new HttpClient { MaxResponseContentBufferSize = maxResponseBytes, Timeout = timeout };
        if (!string.IsNullOrEmpty(apiKey))
        {
            _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
        }
    }

    /// <summary>The key from --api-key, else from LEDGER_API_KEY, else none.</summary>
    public static string? ResolveKey(string? option) =>
        string.IsNullOrEmpty(option) ? Environment.GetEnvironmentVariable(ApiKeyVariable) : option;

    public async Task<string> GetTextAsync(Uri uri, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(uri);
        HttpResponseMessage response;
        try
        {
            response = await _http.GetAsync(uri, cancellationToken);
        }
        catch (HttpRequestException exception)
        {
            throw new ApiException($"GET {uri} failed: {exception.Message}", exception);
        }
        catch (TaskCanceledException exception) when (!cancellationToken.IsCancellationRequested)
        {
            throw new ApiException($"GET {uri} timed out after {_http.Timeout.TotalSeconds:0} s.", exception);
        }

        using (response)
        {
            string body;
            try
            {
                body = await response.Content.ReadAsStringAsync(cancellationToken);
            }
            catch (HttpRequestException exception)
            {
                throw new ApiException($"GET {uri}: the answer could not be read: {exception.Message}", exception);
            }

            return response.IsSuccessStatusCode
                ? body
                : throw new ApiException($"GET {uri} answered {(int)response.StatusCode} {response.ReasonPhrase}{Excerpt(body)}");
        }
    }

    public void Dispose() => _http.Dispose();

    private static string Excerpt(string body) =>
        string.IsNullOrWhiteSpace(body) ? "." : ": " + (body.Length <= 300 ? body : body[..300] + "...");
}

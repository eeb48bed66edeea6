using System.Security.Claims;
using System.Text.Encodings.Web;
using Ledger.Api.Wire;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Ledger.Api.Security;

/// <summary>
/// <c>Authorization: Bearer &lt;api key&gt;</c>. A missing or unknown key is a 401 problem; a known key
/// makes the participant the request's user. Role and ownership checks (403) are the endpoints' own.
/// </summary>
public sealed class ApiKeyAuthenticationHandler : AuthenticationHandler<AuthenticationSchemeOptions>
{
    public const string SchemeName = "Bearer";

    private readonly ApiKeyCache keys;

    public ApiKeyAuthenticationHandler(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, ApiKeyCache keys)
        : base(options, logger, encoder)
    {
        this.keys = keys;
    }

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var headers = Request.Headers.Authorization;
        if (headers.Count == 0)
        {
            return AuthenticateResult.NoResult();
        }

        if (headers.Count > 1)
        {
            return AuthenticateResult.Fail("The request has more than one Authorization header.");
        }

        var header = headers[0] ?? string.Empty;
        const string BearerPrefix = "Bearer ";
        if (!header.StartsWith(BearerPrefix, StringComparison.OrdinalIgnoreCase))
        {
            return AuthenticateResult.Fail("The Authorization header must use the Bearer scheme.");
        }

        var key = header[BearerPrefix.Length..].Trim();
        if (key.Length == 0 || key.Length > ApiKeys.TextLengthMax)
        {
            return AuthenticateResult.Fail("The API key is not valid.");
        }

        var participant = await keys.FindAsync(key, Context.RequestAborted);
        if (participant is null)
        {
            return AuthenticateResult.Fail("The API key is not valid.");
        }

        var principal = new ClaimsPrincipal(Caller.IdentityOf(participant, SchemeName));
        return AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var result = await HandleAuthenticateOnceSafeAsync();
        var detail = result.Failure?.Message ?? "The request needs an Authorization: Bearer <api key> header.";
        Response.Headers.WWWAuthenticate = "Bearer";
        await Problems.Unauthorized(detail).ExecuteAsync(Context);
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        Problems.Forbidden("forbidden", "The caller may not use this endpoint.").ExecuteAsync(Context);
}

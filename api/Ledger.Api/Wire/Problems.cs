using System.Text;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Ledger.Api.Wire;

/// <summary>
/// RFC 9457 problem details. Every failure the API returns carries <c>type</c>, <c>title</c>,
/// <c>status</c>, <c>detail</c> and a stable snake_case <c>code</c>; the type is a URN made from the code
/// and the title is the code in words, so both are stable per kind of problem.
/// </summary>
public static class Problems
{
    public const string TypePrefix = "urn:ledger:problem:";
    public const string CodeMember = "code";

    public static ProblemHttpResult Create(int status, string code, string detail) =>
        TypedResults.Problem(
            detail: detail,
            statusCode: status,
            title: TitleOf(code),
            type: TypePrefix + code,
            extensions: new Dictionary<string, object?> { [CodeMember] = code });

    public static ProblemHttpResult BadRequest(string code, string detail) => Create(StatusCodes.Status400BadRequest, code, detail);

    public static ProblemHttpResult Unauthorized(string detail) => Create(StatusCodes.Status401Unauthorized, "unauthorized", detail);

    public static ProblemHttpResult Forbidden(string code, string detail) => Create(StatusCodes.Status403Forbidden, code, detail);

    public static ProblemHttpResult NotFound(string detail) => Create(StatusCodes.Status404NotFound, "not_found", detail);

    public static ProblemHttpResult Conflict(string code, string detail) => Create(StatusCodes.Status409Conflict, code, detail);

    public static ProblemHttpResult Unprocessable(string code, string detail) => Create(StatusCodes.Status422UnprocessableEntity, code, detail);

    public static ProblemHttpResult Unavailable(string code, string detail) => Create(StatusCodes.Status503ServiceUnavailable, code, detail);

    /// <summary>The code a problem of this status has when nothing more specific was said.</summary>
    public static string DefaultCode(int status) => status switch
    {
        StatusCodes.Status400BadRequest => "bad_request",
        StatusCodes.Status401Unauthorized => "unauthorized",
        StatusCodes.Status403Forbidden => "forbidden",
        StatusCodes.Status404NotFound => "not_found",
        StatusCodes.Status405MethodNotAllowed => "method_not_allowed",
        StatusCodes.Status406NotAcceptable => "not_acceptable",
        StatusCodes.Status408RequestTimeout => "request_timeout",
        StatusCodes.Status409Conflict => "conflict",
        StatusCodes.Status413PayloadTooLarge => "payload_too_large",
        StatusCodes.Status415UnsupportedMediaType => "unsupported_media_type",
        StatusCodes.Status422UnprocessableEntity => "unprocessable",
        StatusCodes.Status429TooManyRequests => "too_many_requests",
        StatusCodes.Status503ServiceUnavailable => "unavailable",
        >= 500 => "internal_error",
        _ => "error",
    };

    /// <summary>"invalid_amount" becomes "Invalid amount".</summary>
    public static string TitleOf(string code)
    {
        ArgumentNullException.ThrowIfNull(code);
        var builder = new StringBuilder(code.Length);
        for (var i = 0; i < code.Length; i++)
        {
            var c = code[i] == '_' ? ' ' : code[i];
            builder.Append(i == 0 ? char.ToUpperInvariant(c) : c);
        }

        return builder.ToString();
    }
}

using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Ledger.Api.Operations;

/// <summary>Names the API and declares its bearer API-key authentication in the OpenAPI document.</summary>
public sealed class OpenApiDocumentTransformer : IOpenApiDocumentTransformer
{
    public const string SecuritySchemeName = "bearer";

    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(document);
        document.Info.Title = "Ledger API";
        document.Info.Version = "v1";
        document.Info.Description = "Settlement ledger: participants, currencies, accounts and transfers. Amounts are decimal strings in minor units; errors are RFC 9457 problem details with a code.";
        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
        document.Components.SecuritySchemes[SecuritySchemeName] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http,
            Scheme = "bearer",
            Description = "Authorization: Bearer <api key>.",
        };
        document.Security ??= [];
        document.Security.Add(new OpenApiSecurityRequirement
        {
            [new OpenApiSecuritySchemeReference(SecuritySchemeName, document)] = [],
        });
        return Task.CompletedTask;
    }
}

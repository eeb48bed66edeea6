using System.Security.Claims;
using Ledger.Api.Contracts;
using Ledger.Api.Security;
using Ledger.Api.Wire;
using Ledger.Core.Directory;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Ledger.Api.Endpoints;

public static class ParticipantEndpoints
{
    public const int NameLengthMax = 200;

    public static RouteGroupBuilder MapParticipants(this RouteGroupBuilder v1)
    {
        ArgumentNullException.ThrowIfNull(v1);
        var group = v1.MapGroup("/participants").WithTags("Participants");
        group.MapGet("/me", GetMeAsync)
            .WithName("GetOwnParticipant")
            .WithSummary("The caller's own participant record, for any role.");
        group.MapPost(string.Empty, CreateAsync)
            .WithName("CreateParticipant")
            .WithSummary("Registers a bank, merchant or auditor and returns its API key, shown only here. Operator only.")
            .Accepts<CreateParticipantBody>("application/json")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status409Conflict);
        group.MapGet("/{id}", GetAsync)
            .WithName("GetParticipant")
            .WithSummary("A participant. The operator and auditors see everyone; others see themselves.")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound);
        group.MapPatch("/{id}", UpdateAsync)
            .WithName("UpdateParticipant")
            .WithSummary("Sets a participant's KYC status (verified or pending; pending may not send). Operator only.")
            .Accepts<UpdateParticipantBody>("application/json")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound);
        return group;
    }

    public static async Task<Results<Ok<ParticipantResponse>, ProblemHttpResult>> GetMeAsync(ClaimsPrincipal user, IDirectoryStore directory, CancellationToken cancellationToken)
    {
        var caller = Caller.From(user);
        var participant = await directory.GetParticipantAsync(caller.Id, cancellationToken)
            ?? throw new InvalidOperationException("An authenticated participant is missing from the directory; participants are never deleted.");
        return TypedResults.Ok(ParticipantResponse.From(participant));
    }

    public static async Task<Results<Created<CreatedParticipantResponse>, ProblemHttpResult>> CreateAsync(
        HttpRequest request, ClaimsPrincipal user, IDirectoryStore directory, TimeProvider clock, CancellationToken cancellationToken)
    {
        var caller = Caller.From(user);
        if (Access.RequireRole(caller, ParticipantRole.Operator) is { } denied)
        {
            return denied;
        }

        var read = await JsonBody.ReadAsync<CreateParticipantBody>(request);
        if (read.Problem is { } bad)
        {
            return bad;
        }

        var body = read.Value!;
        if (WireFormat.ParseId(body.Id, "id", out var id) is { } badId)
        {
            return badId;
        }

        var name = body.Name.Trim();
        if (name.Length == 0 || name.Length > NameLengthMax || name.Any(char.IsControl))
        {
            return Problems.BadRequest("invalid_name", $"name must be 1 to {NameLengthMax} printable characters.");
        }

        if (body.Role is not (ParticipantRole.Bank or ParticipantRole.Merchant or ParticipantRole.Auditor))
        {
            return Problems.BadRequest("invalid_role", "role must be bank, merchant or auditor; there is one operator.");
        }

        if (!Countries.IsAssigned(body.Country))
        {
            return Problems.BadRequest("invalid_country", $"country is '{body.Country}'; it must be an ISO 3166-1 alpha-2 code in upper case, such as GB.");
        }

        var participant = new Participant(id, name, body.Role, body.Country, body.KycStatus ?? KycStatus.Pending, clock.GetUtcNow());
        var key = ApiKeys.Generate();
        if (!await directory.TryAddParticipantAsync(participant, ApiKeys.Hash(key), cancellationToken))
        {
            return Problems.Conflict("participant_exists", $"A participant with id {body.Id} exists already.");
        }

        var response = new CreatedParticipantResponse(
            WireFormat.Id(participant.Id),
            participant.Name,
            participant.Role,
            participant.Country,
            participant.KycStatus,
            key,
            WireFormat.Timestamp(participant.CreatedAt));
        return TypedResults.Created($"/v1/participants/{response.Id}", response);
    }

    public static async Task<Results<Ok<ParticipantResponse>, ProblemHttpResult>> GetAsync(
        string id, ClaimsPrincipal user, IDirectoryStore directory, CancellationToken cancellationToken)
    {
        var caller = Caller.From(user);
        if (WireFormat.ParseId(id, "The participant id in the path", out var participantId) is { } badId)
        {
            return badId;
        }

        if (!Access.MayRead(caller, participantId))
        {
            return Problems.Forbidden("forbidden", "Only the operator, auditors and the participant itself may read a participant.");
        }

        var participant = await directory.GetParticipantAsync(participantId, cancellationToken);
        return participant is null
            ? Problems.NotFound($"There is no participant with id {id}.")
            : TypedResults.Ok(ParticipantResponse.From(participant));
    }

    public static async Task<Results<Ok<ParticipantResponse>, ProblemHttpResult>> UpdateAsync(
        string id, HttpRequest request, ClaimsPrincipal user, IDirectoryStore directory, ApiKeyCache keys, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(keys);
        var caller = Caller.From(user);
        if (Access.RequireRole(caller, ParticipantRole.Operator) is { } denied)
        {
            return denied;
        }

        if (WireFormat.ParseId(id, "The participant id in the path", out var participantId) is { } badId)
        {
            return badId;
        }

        var read = await JsonBody.ReadAsync<UpdateParticipantBody>(request);
        if (read.Problem is { } bad)
        {
            return bad;
        }

        var target = await directory.GetParticipantAsync(participantId, cancellationToken);
        if (target is null)
        {
            return Problems.NotFound($"There is no participant with id {id}.");
        }

        if (target.Role == ParticipantRole.Operator)
        {
            return Problems.BadRequest("invalid_participant", "The operator's KYC status is not managed here.");
        }

        await directory.SetKycStatusAsync(participantId, read.Value!.KycStatus, cancellationToken);

        // Authenticated callers carry their KYC status from the key cache; forget it here at once
        // (other nodes of a cluster within NodeOptions.ApiKeyCacheLifetime; payments read it fresh).
        keys.Clear();
        var updated = await directory.GetParticipantAsync(participantId, cancellationToken) ?? target;
        return TypedResults.Ok(ParticipantResponse.From(updated));
    }
}

using System.Security.Claims;
using Ledger.Api.Contracts;
using Ledger.Api.Hosting;
using Ledger.Api.Security;
using Ledger.Api.Wire;
using Ledger.Core.Directory;
using Ledger.Core.Payments;
using Ledger.Core.Risk;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Ledger.Api.Endpoints;

/// <summary>The operator's risk settings: per-participant limits and velocity rule, and the default for everyone else.</summary>
public static class RiskEndpoints
{
    public static RouteGroupBuilder MapRisk(this RouteGroupBuilder v1)
    {
        ArgumentNullException.ThrowIfNull(v1);
        var participants = v1.MapGroup("/participants").WithTags("Risk");
        participants.MapPut("/{id}/risk", SetAsync)
            .WithName("SetRiskProfile")
            .WithSummary("Sets a participant's limits and velocity rule (replacing what was there). Operator only.")
            .Accepts<RiskProfileBody>("application/json")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound);
        participants.MapGet("/{id}/risk", GetAsync)
            .WithName("GetRiskProfile")
            .WithSummary("A participant's own risk profile; 404 when it has none (the default applies). The operator, auditors and the participant.")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound);
        participants.MapDelete("/{id}/risk", DeleteAsync)
            .WithName("DeleteRiskProfile")
            .WithSummary("Removes a participant's own profile, so the default applies again. Operator only.")
            .ProducesProblem(StatusCodes.Status403Forbidden);
        var defaults = v1.MapGroup("/risk").WithTags("Risk");
        defaults.MapPut("/default", (HttpRequest request, ClaimsPrincipal user, IPaymentStore payments, IDirectoryStore directory, CurrencyDirectory currencies, TimeProvider clock, CancellationToken cancellationToken) =>
                SetProfileAsync(UInt128.Zero, request, user, payments, directory, currencies, clock, cancellationToken))
            .WithName("SetDefaultRiskProfile")
            .WithSummary("Sets the profile of every participant without its own. Operator only.")
            .Accepts<RiskProfileBody>("application/json")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status403Forbidden);
        defaults.MapGet("/default", (ClaimsPrincipal user, IPaymentStore payments, CurrencyDirectory currencies, CancellationToken cancellationToken) =>
                GetProfileAsync(UInt128.Zero, user, payments, currencies, cancellationToken))
            .WithName("GetDefaultRiskProfile")
            .WithSummary("The default profile; 404 when there is none.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        defaults.MapDelete("/default", (ClaimsPrincipal user, IPaymentStore payments, CancellationToken cancellationToken) =>
                DeleteProfileAsync(UInt128.Zero, user, payments, cancellationToken))
            .WithName("DeleteDefaultRiskProfile")
            .WithSummary("Removes the default profile. Operator only.")
            .ProducesProblem(StatusCodes.Status403Forbidden);
        return participants;
    }

    public static async Task<Results<Ok<RiskProfileResponse>, ProblemHttpResult>> SetAsync(
        string id, HttpRequest request, ClaimsPrincipal user, IPaymentStore payments, IDirectoryStore directory, CurrencyDirectory currencies, TimeProvider clock, CancellationToken cancellationToken)
    {
        if (WireFormat.ParseId(id, "The participant id in the path", out var participantId) is { } badId)
        {
            return badId;
        }

        return await SetProfileAsync(participantId, request, user, payments, directory, currencies, clock, cancellationToken);
    }

    public static async Task<Results<Ok<RiskProfileResponse>, ProblemHttpResult>> GetAsync(
        string id, ClaimsPrincipal user, IPaymentStore payments, CurrencyDirectory currencies, CancellationToken cancellationToken)
    {
        if (WireFormat.ParseId(id, "The participant id in the path", out var participantId) is { } badId)
        {
            return badId;
        }

        return await GetProfileAsync(participantId, user, payments, currencies, cancellationToken);
    }

    public static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(string id, ClaimsPrincipal user, IPaymentStore payments, CancellationToken cancellationToken)
    {
        if (WireFormat.ParseId(id, "The participant id in the path", out var participantId) is { } badId)
        {
            return badId;
        }

        return await DeleteProfileAsync(participantId, user, payments, cancellationToken);
    }

    private static async Task<Results<Ok<RiskProfileResponse>, ProblemHttpResult>> SetProfileAsync(
        UInt128 participantId, HttpRequest request, ClaimsPrincipal user, IPaymentStore payments, IDirectoryStore directory, CurrencyDirectory currencies, TimeProvider clock, CancellationToken cancellationToken)
    {
        var caller = Caller.From(user);
        if (Access.RequireRole(caller, ParticipantRole.Operator) is { } denied)
        {
            return denied;
        }

        if (participantId != UInt128.Zero && await directory.GetParticipantAsync(participantId, cancellationToken) is null)
        {
            return Problems.NotFound($"There is no participant {WireFormat.Id(participantId)}.");
        }

        var read = await JsonBody.ReadAsync<RiskProfileBody>(request);
        if (read.Problem is { } bad)
        {
            return bad;
        }

        var body = read.Value!;
        var limits = new List<CurrencyLimit>();
        var seen = new HashSet<uint>();
        for (var i = 0; i < (body.Limits?.Count ?? 0); i++)
        {
            var limit = body.Limits![i];
            var currency = await currencies.FindByCodeAsync(limit.Currency, cancellationToken);
            if (currency is null)
            {
                return Problems.BadRequest("unknown_currency", $"limits[{i}].currency is '{limit.Currency}', which is not a currency of this ledger.");
            }

            if (!seen.Add(currency.Ledger))
            {
                return Problems.BadRequest("duplicate_currency", $"limits[{i}] names {currency.Code} a second time.");
            }

            if (ParseOptional(limit.SinglePaymentMax, $"limits[{i}].single_payment_max", out var single) is { } badSingle)
            {
                return badSingle;
            }

            if (ParseOptional(limit.DailyOutflowMax, $"limits[{i}].daily_outflow_max", out var daily) is { } badDaily)
            {
                return badDaily;
            }

            limits.Add(new CurrencyLimit(currency.Ledger, single, daily));
        }

        VelocityRule? velocity = null;
        if (body.Velocity is { } v)
        {
            if (v.WindowSeconds < 1 || v.WindowSeconds > VelocityRule.WindowSecondsMax)
            {
                return Problems.BadRequest("invalid_window", $"velocity.window_seconds is {v.WindowSeconds}; it must be from 1 to {VelocityRule.WindowSecondsMax}.");
            }

            if (v.CountMax is < 0 or > uint.MaxValue)
            {
                return Problems.BadRequest("invalid_count", $"velocity.count_max is {v.CountMax}; it must be from 0 to {uint.MaxValue}.");
            }

            var values = new List<VelocityValueLimit>();
            var seenValues = new HashSet<uint>();
            for (var i = 0; i < (v.ValueMax?.Count ?? 0); i++)
            {
                var value = v.ValueMax![i];
                var currency = await currencies.FindByCodeAsync(value.Currency, cancellationToken);
                if (currency is null)
                {
                    return Problems.BadRequest("unknown_currency", $"velocity.value_max[{i}].currency is '{value.Currency}', which is not a currency of this ledger.");
                }

                if (!seenValues.Add(currency.Ledger))
                {
                    return Problems.BadRequest("duplicate_currency", $"velocity.value_max[{i}] names {currency.Code} a second time.");
                }

                if (!WireFormat.TryParseAmount(value.Amount, out var amount))
                {
                    return Problems.BadRequest("invalid_amount", $"velocity.value_max[{i}].amount is '{value.Amount}'; it must be a string of decimal digits at most 2^128-1.");
                }

                values.Add(new VelocityValueLimit(currency.Ledger, amount));
            }

            if (v.CountMax is null && values.Count == 0)
            {
                return Problems.BadRequest("invalid_velocity", "velocity needs count_max, value_max or both.");
            }

            velocity = new VelocityRule((uint)v.WindowSeconds, v.CountMax is { } count ? (uint)count : null, values);
        }

        var profile = new RiskProfile(limits, velocity, clock.GetUtcNow());
        await payments.SetRiskProfileAsync(participantId, profile, cancellationToken);
        return TypedResults.Ok(await ViewAsync(participantId, profile, currencies, cancellationToken));
    }

    private static async Task<Results<Ok<RiskProfileResponse>, ProblemHttpResult>> GetProfileAsync(
        UInt128 participantId, ClaimsPrincipal user, IPaymentStore payments, CurrencyDirectory currencies, CancellationToken cancellationToken)
    {
        var caller = Caller.From(user);
        if (participantId != UInt128.Zero && !Access.MayRead(caller, participantId))
        {
            return Problems.Forbidden("forbidden", "Only the operator, auditors and the participant itself may read its risk profile.");
        }

        var profile = await payments.GetRiskProfileAsync(participantId, cancellationToken);
        return profile is null
            ? Problems.NotFound(participantId == UInt128.Zero ? "There is no default risk profile." : "The participant has no profile of its own; the default applies.")
            : TypedResults.Ok(await ViewAsync(participantId, profile, currencies, cancellationToken));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteProfileAsync(UInt128 participantId, ClaimsPrincipal user, IPaymentStore payments, CancellationToken cancellationToken)
    {
        var caller = Caller.From(user);
        if (Access.RequireRole(caller, ParticipantRole.Operator) is { } denied)
        {
            return denied;
        }

        await payments.SetRiskProfileAsync(participantId, null, cancellationToken);
        return TypedResults.NoContent();
    }

    private static ProblemHttpResult? ParseOptional(string? text, string field, out UInt128? value)
    {
        value = null;
        if (text is null)
        {
            return null;
        }

        if (!WireFormat.TryParseAmount(text, out var parsed))
        {
            return Problems.BadRequest("invalid_amount", $"{field} is '{text}'; it must be a string of decimal digits at most 2^128-1.");
        }

        value = parsed;
        return null;
    }

    private static async ValueTask<RiskProfileResponse> ViewAsync(UInt128 participantId, RiskProfile profile, CurrencyDirectory currencies, CancellationToken cancellationToken)
    {
        var limits = new List<CurrencyLimitResponse>(profile.Limits.Count);
        foreach (var limit in profile.Limits)
        {
            limits.Add(new CurrencyLimitResponse(
                await currencies.NameLedgerAsync(limit.Ledger, cancellationToken),
                limit.SinglePaymentMax is { } single ? WireFormat.Amount(single) : null,
                limit.DailyOutflowMax is { } daily ? WireFormat.Amount(daily) : null));
        }

        VelocityResponse? velocity = null;
        if (profile.Velocity is { } v)
        {
            var values = new List<VelocityValueResponse>(v.ValueMax.Count);
            foreach (var value in v.ValueMax)
            {
                values.Add(new VelocityValueResponse(await currencies.NameLedgerAsync(value.Ledger, cancellationToken), WireFormat.Amount(value.ValueMax)));
            }

            velocity = new VelocityResponse(v.WindowSeconds, v.CountMax, values);
        }

        return new RiskProfileResponse(
            participantId == UInt128.Zero ? null : WireFormat.Id(participantId),
            limits,
            velocity,
            WireFormat.Timestamp(profile.UpdatedAt));
    }
}

using System.Security.Claims;
using Microsoft.AspNetCore.Mvc;
using TbScreen.Screening.Persistence;
using TbScreen.Screening.Sites;
using TbScreen.Web.Identity;
using TbScreen.Web.Sites;

namespace TbScreen.Web.Api;

/// <summary>Sites, their rules and versioned profiles: admin only, like the Sites page.</summary>
internal static class SiteEndpoints
{
    public sealed record CreateSiteRequest(string? Name, IReadOnlyList<string>? Rules);

    public sealed record CalibrateRequest(double? TargetSensitivity);

    public static RouteGroupBuilder MapSiteEndpoints(this RouteGroupBuilder api)
    {
        // Antiforgery off for the same reason as uploads: the cookie is SameSite=Strict and scripts send no token.
        var sites = api.MapGroup("/sites").WithTags("Sites").RequireAuthorization(Policies.Admin).DisableAntiforgery();
        sites.MapGet("/", async (SiteAdministration admin, CancellationToken ct) => TypedResults.Ok((await admin.ListAsync(ct)).Select(SiteResponse.From)))
            .WithName("ListSites").WithSummary("Every site with its rules, active profile and all profile versions");
        sites.MapPost("/", async (CreateSiteRequest request, SiteAdministration admin, ClaimsPrincipal user, CancellationToken ct) =>
                Result(await admin.CreateAsync(request.Name, request.Rules ?? [], ApiActors.Of(user), ct), d => $"/api/sites/{Uri.EscapeDataString(d.Site.Name)}", SiteResponse.From))
            .WithName("CreateSite").WithSummary("Create a site with rules such as \"institution: North General\", \"station: XR-2\", \"ae-title: MOBILE_CR\"")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status409Conflict);
        sites.MapGet("/{name}", async (string name, SiteAdministration admin, CancellationToken ct) =>
                await admin.GetAsync(name, ct) is { } site ? Results.Ok(SiteResponse.From(site)) : NotFound($"site '{name}' does not exist"))
            .WithName("GetSite").WithSummary("One site with every profile version, newest first")
            .ProducesProblem(StatusCodes.Status404NotFound);
        sites.MapPost("/{name}/calibrations/worklist", async (string name, CalibrateRequest? request, SiteAdministration admin, ClaimsPrincipal user, CancellationToken ct) =>
                ProfileResult(name, await admin.CalibrateFromWorklistAsync(name, request?.TargetSensitivity, ApiActors.Of(user), ct)))
            .WithName("CalibrateSiteFromWorklist")
            .WithSummary("Propose a new profile version from the site's screened cases with a radiologist's final label tb or not-tb")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound);
        sites.MapPost("/{name}/calibrations/upload", async (string name, IFormFile? file, [FromForm] double? targetSensitivity, SiteAdministration admin, ClaimsPrincipal user, CancellationToken ct) =>
            {
                if (file is null || file.Length == 0)
                {
                    return TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "No labelled sample", detail: "send the CSV in the multipart field 'file' (score,label or predictions.csv)");
                }

                if (file.Length > SiteAdministration.MaxSampleBytes)
                {
                    return TypedResults.Problem(statusCode: StatusCodes.Status413PayloadTooLarge, title: "Sample too large", detail: $"{file.FileName}: {file.Length} bytes, above {SiteAdministration.MaxSampleBytes}");
                }

                await using var content = file.OpenReadStream();
                return ProfileResult(name, await admin.CalibrateFromCsvAsync(name, content, file.FileName, targetSensitivity, ApiActors.Of(user), ct));
            })
            .WithName("CalibrateSiteFromUpload")
            .WithSummary("Propose a new profile version from an uploaded labelled CSV (predictions.csv of tbscreen evaluate, or score,label)")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound);
        sites.MapPost("/{name}/profiles/{version:int}/approve", async (string name, int version, SiteAdministration admin, ClaimsPrincipal user, CancellationToken ct) =>
            {
                var change = await admin.ApproveAsync(name, version, ApiActors.Of(user), ct);
                return change.Value is { } profile ? Results.Ok(profile) : Problem(change.Error!, change.Status);
            })
            .WithName("ApproveSiteProfile").WithSummary("Make a profile version active: results from now on are decided at its threshold")
            .ProducesProblem(StatusCodes.Status404NotFound);
        sites.MapGet("/{name}/profiles/{version:int}/roc.svg", async (string name, int version, SiteAdministration admin, HttpContext http, CancellationToken ct) =>
            {
                if (await admin.RocSvgAsync(name, version, ct) is not { } svg)
                {
                    return NotFound($"site '{name}' has no profile version {version}");
                }

                // Served as an image that cannot run script in our origin if opened directly (as report SVGs).
                http.Response.Headers.ContentSecurityPolicy = "sandbox";
                http.Response.Headers.XContentTypeOptions = "nosniff";
                return Results.Text(svg, "image/svg+xml");
            })
            .WithName("GetSiteProfileRoc").WithSummary("The version's local ROC with its proposed threshold marked (SVG)")
            .ProducesProblem(StatusCodes.Status404NotFound);
        return sites;
    }

    private static IResult ProfileResult(string name, SiteChange<SiteProfile> change) =>
        change.Value is { } profile
            ? Results.Created($"/api/sites/{Uri.EscapeDataString(name)}/profiles/{profile.Version}", profile)
            : Problem(change.Error!, change.Status);

    private static IResult Result<T, TResponse>(SiteChange<T> change, Func<T, string> location, Func<T, TResponse> map) =>
        change.Value is { } value ? Results.Created(location(value), map(value)) : Problem(change.Error!, change.Status);

    private static IResult NotFound(string detail) => Problem(detail, StatusCodes.Status404NotFound);

    private static IResult Problem(string detail, int status) =>
        TypedResults.Problem(statusCode: status, title: "Site change refused", detail: detail);

    /// <summary>A site for the API: rules as the lines they were typed as.</summary>
    public sealed record SiteResponse(string Name, IReadOnlyList<string> Rules, int? ActiveVersion, IReadOnlyList<SiteProfile> Versions, string CreatedBy, DateTime CreatedAt)
    {
        public static SiteResponse From(SiteDetails d) =>
            new(d.Site.Name, d.Site.Rules.Select(r => r.ToString()).ToArray(), d.Site.Active?.Version, d.Versions, d.CreatedBy, d.CreatedAt);
    }
}

using TbScreen.Screening.Display;
using System.Security.Claims;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using TbScreen.Imaging;
using TbScreen.Screening;
using TbScreen.Screening.Persistence;
using TbScreen.Web.Api.Contracts;
using TbScreen.Web.Configuration;
using TbScreen.Web.Identity;
using TbScreen.Web.Viewing;

namespace TbScreen.Web.Api;

/// <summary>Upload and read screening results, their heatmap and the radiograph at a chosen window.</summary>
internal static class ScreeningEndpoints
{
    public static RouteGroupBuilder MapScreeningEndpoints(this RouteGroupBuilder api)
    {
        var screenings = api.MapGroup("/screenings").WithTags("Screenings").RequireAuthorization(Policies.Screen);
        long maxBytes = ((IEndpointRouteBuilder)api).ServiceProvider.GetRequiredService<IOptions<TbScreenOptions>>().Value.Uploads.MaxBytes;

        screenings.MapPost("/", UploadAsync)
            .WithName("CreateScreening")
            .WithSummary("Upload one radiograph (DICOM, PNG or JPEG, judged by content) and screen it")
            .WithDescription("Same SOP Instance UID and model version as a stored result: that result is returned, not recomputed. " + ResearchNotice.Text)
            // Why no antiforgery token: scripts call this with the cookie from POST /api/auth/login. The cookie is
            // SameSite=Strict, so a cross-site page cannot make a browser send it (docs/dashboard.md, Security).
            .DisableAntiforgery()
            // Kestrel enforces this while reading (chunked bodies); UploadSizeGuardMiddleware answers 413 up front.
            .WithMetadata(new RequestSizeLimitAttribute(maxBytes))
            .WithFormOptions(multipartBodyLengthLimit: maxBytes)
            .Produces<ScreeningResultResponse>(StatusCodes.Status201Created)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);

        screenings.MapGet("/{id:long}", GetAsync)
            .WithName("GetScreening")
            .WithSummary("A stored screening result (the view is audited)")
            .Produces<ScreeningResultResponse>()
            .ProducesProblem(StatusCodes.Status404NotFound);

        screenings.MapGet("/{id:long}/heatmap", GetHeatmapAsync)
            .WithName("GetScreeningHeatmap")
            .WithSummary("The result's CAM heatmap over the model input, as base64 float32 values in [0, 1]")
            .Produces<HeatmapResponse>()
            .ProducesProblem(StatusCodes.Status404NotFound);

        screenings.MapGet("/{id:long}/heatmap.png", GetHeatmapPngAsync)
            .WithName("GetScreeningHeatmapPng")
            .WithSummary("The heatmap re-projected onto the radiograph as a colour PNG with alpha, the size of /image at the same maxSize")
            .WithDescription("Border crop and letterbox are undone, so the PNG overlays GET /image?maxSize= pixel for pixel; zero (transparent) "
                + "where the model saw no image. 404 without a heatmap or a stored image; 409 when the loaded models are not the ones that screened it.")
            .Produces(StatusCodes.Status200OK, contentType: "image/png")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);

        screenings.MapGet("/{id:long}/image", GetImageAsync)
            .WithName("GetScreeningImage")
            .WithSummary("The stored radiograph as an 8-bit grey PNG at a window centre/width (modality units)")
            .WithDescription("Without center and width: the file's VOI window, else its min..max. maxSize (default 1024) bounds the "
                + "longer side; larger images are subsampled. The window used is echoed in X-Window-Center and X-Window-Width.")
            .Produces(StatusCodes.Status200OK, contentType: "image/png")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound);
        return screenings;
    }

    /// <param name="site">Optional form field: the site the radiograph comes from; it overrides the site rules.</param>
    private static async Task<IResult> UploadAsync(IFormFile? file, [FromForm] string? site, UploadScreening uploads, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        if (file is null || file.Length == 0)
        {
            return ScreeningProblems.MissingFile();
        }

        string fileName = Path.GetFileName(file.FileName);
        await using var content = file.OpenReadStream();
        ScreenedUpload upload;
        try
        {
            upload = await uploads.ScreenAsync(content, fileName, ApiActors.Of(user), site, cancellationToken);
        }
        catch (TbScreen.Screening.Sites.UnknownSiteException e)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Unknown site", detail: e.Message);
        }

        if (upload.Refusal is { } refusal)
        {
            return ScreeningProblems.UnsupportedType(fileName, refusal);
        }

        var stored = upload.Stored!;
        if (stored.Outcome.Status != ScreeningStatus.Ok)
        {
            return ScreeningProblems.NotScreenable(stored.Outcome, fileName, stored.ResultId);
        }

        return TypedResults.Created(ResponseMapper.ResultLocation(stored.ResultId), ResponseMapper.ToResponse(stored, fileName));
    }

    private static async Task<IResult> GetAsync(long id, IScreeningStore store, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        var stored = await store.GetResultAsync(id, cancellationToken);
        if (stored is null)
        {
            return ScreeningProblems.ResultNotFound(id);
        }

        await store.RecordAsync(ApiActors.Of(user), AuditActions.ResultViewed, $"result/{id}", "api", cancellationToken);
        return TypedResults.Ok(ResponseMapper.ToResponse(stored, fromStore: true));
    }

    private static async Task<IResult> GetHeatmapAsync(long id, IScreeningStore store, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        var stored = await store.GetResultAsync(id, cancellationToken);
        if (stored?.Outcome.Heatmap is not { } heatmap)
        {
            return stored is null ? ScreeningProblems.ResultNotFound(id) : ScreeningProblems.HeatmapNotFound(id);
        }

        await store.RecordAsync(ApiActors.Of(user), AuditActions.HeatmapViewed, $"result/{id}", cancellationToken: cancellationToken);
        return TypedResults.Ok(ResponseMapper.ToResponse(heatmap));
    }

    // The PNG renderings are audited once per user, result and kind within ViewAudit.Window: the viewer fetches them on
    // every window change.
    private static async Task<IResult> GetHeatmapPngAsync(long id, int? maxSize, HeatmapOverlays overlays, ViewAudit audit, ClaimsPrincipal user, HttpContext http, CancellationToken cancellationToken)
    {
        if (MaxSizeProblem(maxSize) is { } bad)
        {
            return bad;
        }

        var (heatmap, problem) = await overlays.ProjectAsync(id, maxSize ?? WindowLevelRenderer.DefaultMaxSize, cancellationToken);
        if (problem is not null)
        {
            return TypedResults.Problem(statusCode: problem.StatusCode, title: problem.Title, detail: problem.Detail);
        }

        await audit.RecordAsync(ApiActors.Of(user), AuditActions.HeatmapViewed, id, cancellationToken);
        NoStore(http);
        return TypedResults.File(HeatmapPng.Encode(heatmap!), "image/png");
    }

    private static async Task<IResult> GetImageAsync(
        long id, double? center, double? width, int? maxSize, StoredImages images, ViewAudit audit, ClaimsPrincipal user, HttpContext http, CancellationToken cancellationToken)
    {
        if ((center is null) != (width is null))
        {
            return Bad("Give both center and width, or neither.");
        }

        if (width is < 1 || center is double c && !double.IsFinite(c) || width is double w && !double.IsFinite(w))
        {
            return Bad("The window width must be at least 1 and both values finite.");
        }

        if (MaxSizeProblem(maxSize) is { } bad)
        {
            return bad;
        }

        var (radiograph, problem, detail) = await images.LoadAsync(id, cancellationToken);
        switch (problem)
        {
            case StoredImages.Problem.ResultNotFound:
                return ScreeningProblems.ResultNotFound(id);
            case StoredImages.Problem.ContentMissing:
                return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Image not stored", detail: $"Result {id}: {detail}.");
            case StoredImages.Problem.Purged:
                return TypedResults.Problem(statusCode: StatusCodes.Status410Gone, title: "Image deleted under the retention policy", detail: $"Result {id}: {detail}");
            case StoredImages.Problem.Undecodable:
                return TypedResults.Problem(statusCode: StatusCodes.Status422UnprocessableEntity, title: "Image cannot be displayed", detail: $"Result {id}: {detail}");
        }

        await audit.RecordAsync(ApiActors.Of(user), AuditActions.ImageViewed, id, cancellationToken);
        DisplayWindow? window = center is double wc && width is double ww ? new DisplayWindow(wc, ww) : null;
        var rendered = WindowLevelRenderer.Render(radiograph!, window, maxSize ?? WindowLevelRenderer.DefaultMaxSize);
        http.Response.Headers["X-Window-Center"] = rendered.Window.Center.ToString("R", System.Globalization.CultureInfo.InvariantCulture);
        http.Response.Headers["X-Window-Width"] = rendered.Window.Width.ToString("R", System.Globalization.CultureInfo.InvariantCulture);
        NoStore(http);
        return TypedResults.File(GrayPngWriter.Encode(rendered.Pixels, rendered.Width, rendered.Height), "image/png");
    }

    /// <summary>One bound for /image and /heatmap.png, so a page asking both for the same size gets matching grids.</summary>
    private static IResult? MaxSizeProblem(int? maxSize) => maxSize is < 16 or > 8192
        ? TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Invalid size", detail: "maxSize must be between 16 and 8192.")
        : null;

    private static IResult Bad(string detail) =>
        TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Invalid window", detail: detail);

    /// <summary>Patient images must not linger in shared caches or the browser's disk cache.</summary>
    private static void NoStore(HttpContext http) => http.Response.Headers.CacheControl = "no-store, private";
}

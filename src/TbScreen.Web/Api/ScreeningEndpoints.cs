using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using TbScreen.Screening;
using TbScreen.Screening.Persistence;
using TbScreen.Web.Api.Contracts;
using TbScreen.Web.Configuration;

namespace TbScreen.Web.Api;

/// <summary>POST /api/screenings (upload), GET /api/screenings/{id}, GET /api/screenings/{id}/heatmap.</summary>
internal static class ScreeningEndpoints
{
    public static RouteGroupBuilder MapScreeningEndpoints(this RouteGroupBuilder api)
    {
        var screenings = api.MapGroup("/screenings").WithTags("Screenings");
        long maxBytes = ((IEndpointRouteBuilder)api).ServiceProvider.GetRequiredService<IOptions<TbScreenOptions>>().Value.Uploads.MaxBytes;

        screenings.MapPost("/", UploadAsync)
            .WithName("CreateScreening")
            .WithSummary("Upload one radiograph (DICOM, PNG or JPEG) and screen it")
            .WithDescription("Same SOP Instance UID and model version as a stored result: that result is returned, not recomputed. " + ResearchNotice.Text)
            // Why no antiforgery: this is a JSON API called with explicit requests, not a cookie-authenticated
            // browser form. The dashboard's forms (next issue, cookie auth) must keep antiforgery on.
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
            .WithSummary("A stored screening result")
            .Produces<ScreeningResultResponse>()
            .ProducesProblem(StatusCodes.Status404NotFound);

        screenings.MapGet("/{id:long}/heatmap", GetHeatmapAsync)
            .WithName("GetScreeningHeatmap")
            .WithSummary("The result's CAM heatmap over the model input, as base64 float32 values in [0, 1]")
            .Produces<HeatmapResponse>()
            .ProducesProblem(StatusCodes.Status404NotFound);
        return screenings;
    }

    private static async Task<IResult> UploadAsync(IFormFile? file, UploadScreening uploads, CancellationToken cancellationToken)
    {
        if (file is null || file.Length == 0)
        {
            return ScreeningProblems.MissingFile();
        }

        string fileName = Path.GetFileName(file.FileName);
        var stored = await uploads.ScreenAsync(file, fileName, cancellationToken);
        if (stored.Outcome.Status != ScreeningStatus.Ok)
        {
            return ScreeningProblems.NotScreenable(stored.Outcome, fileName, stored.ResultId);
        }

        return TypedResults.Created(ResponseMapper.ResultLocation(stored.ResultId), ResponseMapper.ToResponse(stored, fileName));
    }

    private static async Task<IResult> GetAsync(long id, IScreeningStore store, CancellationToken cancellationToken)
    {
        var stored = await store.GetResultAsync(id, cancellationToken);
        if (stored is null)
        {
            return ScreeningProblems.ResultNotFound(id);
        }

        await store.RecordAsync(ApiActors.Anonymous, AuditActions.ResultViewed, $"result/{id}", cancellationToken: cancellationToken);
        return TypedResults.Ok(ResponseMapper.ToResponse(stored, fromStore: true));
    }

    private static async Task<IResult> GetHeatmapAsync(long id, IScreeningStore store, CancellationToken cancellationToken)
    {
        var stored = await store.GetResultAsync(id, cancellationToken);
        if (stored?.Outcome.Heatmap is not { } heatmap)
        {
            return stored is null ? ScreeningProblems.ResultNotFound(id) : ScreeningProblems.HeatmapNotFound(id);
        }

        await store.RecordAsync(ApiActors.Anonymous, AuditActions.HeatmapViewed, $"result/{id}", cancellationToken: cancellationToken);
        return TypedResults.Ok(ResponseMapper.ToResponse(heatmap));
    }
}

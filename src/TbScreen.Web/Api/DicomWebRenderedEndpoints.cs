using System.Globalization;
using System.Security.Claims;
using Microsoft.Extensions.Primitives;
using TbScreen.Dicom;
using TbScreen.Screening.Persistence;
using TbScreen.Screening.Storage;
using TbScreen.Web.Identity;

namespace TbScreen.Web.Api;

/// <summary>
/// WADO-RS rendered and thumbnail resources (PS3.18 10.4, 8.3.5; thumbnails from Supplement 203) for this host's result
/// objects: PNG, or JPEG when only that is accepted. A thumbnail is the study's, series' or instance's representative
/// image, the heatmap capture (a report has no pixels), bounded by the viewport or 128 x 128. Each image served is
/// audited: it shows the patient's radiograph.
/// </summary>
public static class DicomWebRenderedEndpoints
{
    /// <summary>The bound on a thumbnail without a viewport: what a viewer's series strip shows.</summary>
    public const int DefaultThumbnailSize = 128;

    public static IEndpointRouteBuilder MapDicomWebRenderedEndpoints(this IEndpointRouteBuilder app)
    {
        var group = DicomWebRoutes.Group(app);
        const string Instance = "/studies/{study}/series/{series}/instances/{instance}";
        group.MapGet(Instance + "/rendered", (string study, string series, string instance, HttpContext http, DicomOutboxStore objects, ContentStore content,
            IScreeningStore store, ClaimsPrincipal user, CancellationToken ct) => RenderedAsync(study, series, instance, 1, http, objects, content, store, user, ct))
            .WithSummary("WADO-RS: a result object rendered as PNG or JPEG (viewport=W,H bounds its size)");
        group.MapGet(Instance + "/frames/{frame:int}/rendered", (string study, string series, string instance, int frame, HttpContext http, DicomOutboxStore objects,
            ContentStore content, IScreeningStore store, ClaimsPrincipal user, CancellationToken ct) =>
            RenderedAsync(study, series, instance, frame, http, objects, content, store, user, ct))
            .WithSummary("WADO-RS: one frame of a result object rendered as PNG or JPEG");
        group.MapGet("/studies/{study}/thumbnail", (string study, HttpContext http, DicomOutboxStore objects, ContentStore content, IScreeningStore store,
            ClaimsPrincipal user, CancellationToken ct) => ThumbnailAsync(study, null, null, 1, http, objects, content, store, user, ct))
            .WithSummary("WADO-RS: a study's thumbnail, its heatmap capture (viewport=W,H; default 128 x 128)");
        group.MapGet("/studies/{study}/series/{series}/thumbnail", (string study, string series, HttpContext http, DicomOutboxStore objects, ContentStore content,
            IScreeningStore store, ClaimsPrincipal user, CancellationToken ct) => ThumbnailAsync(study, series, null, 1, http, objects, content, store, user, ct))
            .WithSummary("WADO-RS: a series' thumbnail");
        group.MapGet(Instance + "/thumbnail", (string study, string series, string instance, HttpContext http, DicomOutboxStore objects, ContentStore content,
            IScreeningStore store, ClaimsPrincipal user, CancellationToken ct) => ThumbnailAsync(study, series, instance, 1, http, objects, content, store, user, ct))
            .WithSummary("WADO-RS: an instance's thumbnail");
        group.MapGet(Instance + "/frames/{frame:int}/thumbnail", (string study, string series, string instance, int frame, HttpContext http, DicomOutboxStore objects,
            ContentStore content, IScreeningStore store, ClaimsPrincipal user, CancellationToken ct) =>
            ThumbnailAsync(study, series, instance, frame, http, objects, content, store, user, ct))
            .WithSummary("WADO-RS: a frame's thumbnail");
        return app;
    }

    private static async Task<IResult> RenderedAsync(string study, string series, string instance, int frame, HttpContext http, DicomOutboxStore objects,
        ContentStore content, IScreeningStore store, ClaimsPrincipal user, CancellationToken ct)
    {
        var (mediaType, viewport, refusal) = Negotiate(http, viewportByDefault: null);
        if (refusal is not null)
        {
            return refusal;
        }

        var found = await DicomWebMetadataEndpoints.ObjectAsync(objects, content, study, series, instance, ct);
        if (found is not var (row, file))
        {
            return DicomWebMetadataEndpoints.NotFound();
        }

        return await RenderAsync(row, file, frame, mediaType!, viewport, "rendered", store, user, ct);
    }

    /// <summary>The first object in scope that has pixels, rendered small; 404 naming why when there is none.</summary>
    private static async Task<IResult> ThumbnailAsync(string study, string? series, string? instance, int frame, HttpContext http, DicomOutboxStore objects,
        ContentStore content, IScreeningStore store, ClaimsPrincipal user, CancellationToken ct)
    {
        var (mediaType, viewport, refusal) = Negotiate(http, viewportByDefault: (DefaultThumbnailSize, DefaultThumbnailSize));
        if (refusal is not null)
        {
            return refusal;
        }

        var rows = await objects.ObjectsAsync(TbScreen.Pacs.ResultStudies.MaxObjects, study, series, instance, ct);
        if (rows.Count == 0)
        {
            return DicomWebMetadataEndpoints.NotFound();
        }

        string reason = "its objects are reports, which have no image";
        foreach (var row in rows.OrderBy(r => r.Kind == "sc" ? 0 : 1)) // a capture first: a report is read for nothing
        {
            if (content.Get(row.ContentSha256) is not { } bytes)
            {
                reason = "its image has been purged";
                continue;
            }

            var file = new DicomReader().Parse(bytes, row.SopInstanceUid);
            if (file.Dataset[DicomTag.PixelData] is null)
            {
                continue;
            }

            return await RenderAsync(row, file, frame, mediaType!, viewport, "thumbnail", store, user, ct);
        }

        return Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "No thumbnail", detail: $"Nothing to show: {reason}.");
    }

    /// <summary>The frame as an image, audited as <paramref name="resource"/>; 404 naming why when there is nothing to render.</summary>
    private static async Task<IResult> RenderAsync(DicomDeliveryInfo row, DicomFile file, int frame, string mediaType, (int, int)? viewport, string resource,
        IScreeningStore store, ClaimsPrincipal user, CancellationToken ct)
    {
        byte[] image;
        try
        {
            image = Viewing.RenderedFrame.Render(file, frame, mediaType, viewport);
        }
        catch (DicomException e)
        {
            return Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "Nothing to render", detail: e.Reason);
        }

        await store.RecordAsync(ApiActors.Of(user), AuditActions.DicomWebRetrieved, $"result/{row.ResultId}", $"{resource} {frame} {row.Kind} {row.SopInstanceUid}", ct);
        return Results.Bytes(image, mediaType);
    }

    /// <summary>The media type and viewport a request asks for, or the problem (406, 400) that refuses it.</summary>
    private static (string? MediaType, (int, int)? Viewport, IResult? Refusal) Negotiate(HttpContext http, (int, int)? viewportByDefault)
    {
        string? mediaType = RenderedType(http.Request.Headers.Accept);
        if (mediaType is null)
        {
            return (null, null, Results.Problem(statusCode: StatusCodes.Status406NotAcceptable, title: "Not acceptable", detail: "Rendered images are served as image/png or image/jpeg."));
        }

        if (http.Request.Query["viewport"].ToString() is not { Length: > 0 } text)
        {
            return (mediaType, viewportByDefault, null);
        }

        var parts = text.Split(',');
        if (parts.Length < 2 || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out int width) || width is < 1 or > 8192
            || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out int height) || height is < 1 or > 8192)
        {
            return (null, null, Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Invalid viewport", detail: $"viewport '{text}' is not WIDTH,HEIGHT in pixels (1 to 8192)."));
        }

        return (mediaType, (width, height), null);
    }

    /// <summary>PNG unless the Accept header prefers JPEG (PS3.18 lists JPEG first; PNG is lossless, so it is ours); null when neither is acceptable.</summary>
    private static string? RenderedType(StringValues accept)
    {
        if (accept.Count == 0 || accept.Any(a => a is null || a.Contains("*/*", StringComparison.Ordinal) || a.Contains("image/*", StringComparison.Ordinal)
            || a.Contains(Viewing.RenderedFrame.Png, StringComparison.OrdinalIgnoreCase)))
        {
            return Viewing.RenderedFrame.Png;
        }

        return accept.Any(a => a!.Contains(Viewing.RenderedFrame.Jpeg, StringComparison.OrdinalIgnoreCase)) ? Viewing.RenderedFrame.Jpeg : null;
    }
}

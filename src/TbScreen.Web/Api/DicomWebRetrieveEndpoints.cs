using System.Security.Claims;
using TbScreen.Screening.Persistence;
using TbScreen.Screening.Storage;
using TbScreen.Web.Identity;

namespace TbScreen.Web.Api;

/// <summary>
/// WADO-RS retrieve (PS3.18 10.4) of the objects this host builds: each screened result's SR and heatmap Secondary
/// Capture, as multipart/related; type="application/dicom", so a viewer or PACS can pull them (searches:
/// <see cref="QidoEndpoints"/>). Every retrieve is audited: the objects carry the patient's name and ID.
/// </summary>
public static class DicomWebRetrieveEndpoints
{
    private const int MaxObjects = TbScreen.Pacs.ResultStudies.MaxObjects;

    public static IEndpointRouteBuilder MapDicomWebRetrieveEndpoints(this IEndpointRouteBuilder app)
    {
        var group = DicomWebRoutes.Group(app);
        group.MapGet("/studies/{study}/series/{series}/instances/{instance}", async (string study, string series, string instance,
            DicomOutboxStore objects, ContentStore content, IScreeningStore store, ClaimsPrincipal user, CancellationToken ct) =>
            await RetrieveAsync(await objects.ObjectsAsync(1, study, series, instance, ct), content, store, user, ct))
            .WithSummary("WADO-RS: retrieve one result object (Part 10, in a multipart/related body)");

        // Study and series retrieve (PS3.18 10.4.1): what a PACS or Orthanc's DICOMweb client asks for when it pulls.
        group.MapGet("/studies/{study}", async (string study, DicomOutboxStore objects, ContentStore content, IScreeningStore store, ClaimsPrincipal user, CancellationToken ct) =>
            await RetrieveAsync(await objects.ObjectsAsync(MaxObjects, study, cancellationToken: ct), content, store, user, ct))
            .WithSummary("WADO-RS: retrieve the result objects of a study");

        group.MapGet("/studies/{study}/series/{series}", async (string study, string series, DicomOutboxStore objects, ContentStore content, IScreeningStore store,
            ClaimsPrincipal user, CancellationToken ct) =>
            await RetrieveAsync(await objects.ObjectsAsync(MaxObjects, study, series, cancellationToken: ct), content, store, user, ct))
            .WithSummary("WADO-RS: retrieve the result objects of a series");
        return app;
    }

    /// <summary>The objects, Part 10, one per part of a multipart/related body; 404 when none is found. Each one retrieved is audited.</summary>
    private static async Task<IResult> RetrieveAsync(IReadOnlyList<DicomDeliveryInfo> rows, ContentStore content, IScreeningStore store, ClaimsPrincipal user, CancellationToken ct)
    {
        var found = rows.Select(r => (Row: r, Bytes: content.Get(r.ContentSha256))).Where(f => f.Bytes is not null).ToList();
        if (found.Count == 0)
        {
            return Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not found", detail: "No TbScreen result object has these UIDs.");
        }

        foreach (var (row, _) in found)
        {
            await store.RecordAsync(ApiActors.Of(user), AuditActions.DicomWebRetrieved, $"result/{row.ResultId}", $"{row.Kind} {row.SopInstanceUid}", ct);
        }

        return MultipartRelated.Of("application/dicom", found.Select(f => f.Bytes!));
    }
}

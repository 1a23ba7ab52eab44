using System.Globalization;
using System.Security.Claims;
using System.Text.Json.Nodes;
using TbScreen.Dicom;
using TbScreen.Dicom.Json;
using TbScreen.Dicom.Pixels;
using TbScreen.Screening.Persistence;
using TbScreen.Screening.Storage;
using TbScreen.Web.Identity;

namespace TbScreen.Web.Api;

/// <summary>
/// WADO-RS metadata, frames and bulk data (PS3.18 10.4) for this host's result objects: what a web viewer such as
/// OHIF asks for before it draws. Metadata is the DICOM JSON Model (DicomJsonWriter) with Pixel Data and other large
/// binary values as BulkDataURIs back to /bulk; frames are sent uncompressed, little endian. Each object read is
/// audited, as a retrieve is: its metadata carries the patient's name and ID.
/// </summary>
public static class DicomWebMetadataEndpoints
{
    private const string OctetStream = "application/octet-stream";

    public static IEndpointRouteBuilder MapDicomWebMetadataEndpoints(this IEndpointRouteBuilder app)
    {
        var group = DicomWebRoutes.Group(app);
        group.MapGet("/studies/{study}/metadata", (string study, HttpContext http, DicomOutboxStore objects, ContentStore content, IScreeningStore store,
            ClaimsPrincipal user, CancellationToken ct) => MetadataAsync(http, objects, content, store, user, study, null, null, ct))
            .WithSummary("WADO-RS: the metadata of a study's result objects (DICOM JSON)");
        group.MapGet("/studies/{study}/series/{series}/metadata", (string study, string series, HttpContext http, DicomOutboxStore objects, ContentStore content,
            IScreeningStore store, ClaimsPrincipal user, CancellationToken ct) => MetadataAsync(http, objects, content, store, user, study, series, null, ct))
            .WithSummary("WADO-RS: the metadata of a series' result objects (DICOM JSON)");
        group.MapGet("/studies/{study}/series/{series}/instances/{instance}/metadata", (string study, string series, string instance, HttpContext http,
            DicomOutboxStore objects, ContentStore content, IScreeningStore store, ClaimsPrincipal user, CancellationToken ct) =>
            MetadataAsync(http, objects, content, store, user, study, series, instance, ct))
            .WithSummary("WADO-RS: the metadata of one result object (DICOM JSON)");
        group.MapGet("/studies/{study}/series/{series}/instances/{instance}/frames/{frames}", FramesAsync)
            .WithSummary("WADO-RS: frames of a result object, uncompressed (multipart/related; type=\"application/octet-stream\")");
        group.MapGet("/studies/{study}/series/{series}/instances/{instance}/bulk/{**path}", BulkAsync)
            .WithSummary("WADO-RS: a binary value that the metadata links (multipart/related; type=\"application/octet-stream\")");
        return app;
    }

    private static async Task<IResult> MetadataAsync(HttpContext http, DicomOutboxStore objects, ContentStore content, IScreeningStore store, ClaimsPrincipal user,
        string study, string? series, string? instance, CancellationToken ct)
    {
        var rows = await objects.ObjectsAsync(TbScreen.Pacs.ResultStudies.MaxObjects, study, series, instance, ct);
        var answers = new JsonArray();
        foreach (var row in rows)
        {
            if (content.Get(row.ContentSha256) is not { } bytes)
            {
                continue; // purged: its bytes are gone, so there is nothing to describe
            }

            string instanceUrl = InstanceUrl(http, row);
            var options = new DicomJsonOptions { BulkDataUri = path => $"{instanceUrl}/bulk/{path}" };
            answers.Add(DicomJsonWriter.Write(new DicomReader().Parse(bytes, row.SopInstanceUid).Dataset, options));
            await store.RecordAsync(ApiActors.Of(user), AuditActions.DicomWebRetrieved, $"result/{row.ResultId}", $"metadata {row.Kind} {row.SopInstanceUid}", ct);
        }

        return answers.Count == 0
            ? NotFound()
            : Results.Text(answers.ToJsonString(), DicomWebEndpoints.DicomJson);
    }

    private static async Task<IResult> FramesAsync(string study, string series, string instance, string frames, HttpContext http, DicomOutboxStore objects,
        ContentStore content, IScreeningStore store, ClaimsPrincipal user, CancellationToken ct)
    {
        if (!AcceptsOctetStream(http.Request.Headers.Accept))
        {
            return Results.Problem(statusCode: StatusCodes.Status406NotAcceptable, title: "Not acceptable",
                detail: "Frames are served uncompressed only: ask for multipart/related; type=\"application/octet-stream\".");
        }

        var numbers = new List<int>();
        foreach (string part in frames.Split(','))
        {
            if (!int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out int number) || number < 1)
            {
                return Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Invalid frame list",
                    detail: $"'{frames}' is not a comma-separated list of frame numbers from 1.");
            }

            numbers.Add(number);
        }

        var found = await ObjectAsync(objects, content, study, series, instance, ct);
        if (found is not var (row, file))
        {
            return NotFound();
        }

        var parts = new List<byte[]>();
        try
        {
            parts.AddRange(numbers.Select(n => NativeFrames.Frame(file.Dataset, n)));
        }
        catch (DicomException e)
        {
            return Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "Frame not available", detail: e.Reason);
        }

        await store.RecordAsync(ApiActors.Of(user), AuditActions.DicomWebRetrieved, $"result/{row.ResultId}", $"frames {frames} {row.Kind} {row.SopInstanceUid}", ct);
        return MultipartRelated.Of(OctetStream, parts);
    }

    private static async Task<IResult> BulkAsync(string study, string series, string instance, string path, HttpContext http, DicomOutboxStore objects,
        ContentStore content, IScreeningStore store, ClaimsPrincipal user, CancellationToken ct)
    {
        var found = await ObjectAsync(objects, content, study, series, instance, ct);
        if (found is not var (row, file) || DicomJsonWriter.BulkData(file.Dataset, path.ToUpperInvariant()) is not { } value)
        {
            return NotFound();
        }

        await store.RecordAsync(ApiActors.Of(user), AuditActions.DicomWebRetrieved, $"result/{row.ResultId}", $"bulk {path} {row.Kind} {row.SopInstanceUid}", ct);
        return MultipartRelated.Of(OctetStream, [value]);
    }

    /// <summary>One result object by its UIDs, parsed; null when there is none or its bytes were purged.</summary>
    internal static async Task<(DicomDeliveryInfo Row, DicomFile File)?> ObjectAsync(DicomOutboxStore objects, ContentStore content, string study, string series,
        string instance, CancellationToken ct)
    {
        var rows = await objects.ObjectsAsync(1, study, series, instance, ct);
        return rows.Count == 1 && content.Get(rows[0].ContentSha256) is { } bytes
            ? (rows[0], new DicomReader().Parse(bytes, rows[0].SopInstanceUid))
            : null;
    }

    /// <summary>The instance's own WADO-RS address, so that a client behind the same host can follow each BulkDataURI.</summary>
    private static string InstanceUrl(HttpContext http, DicomDeliveryInfo row) =>
        $"{http.Request.Scheme}://{http.Request.Host}{http.Request.PathBase}/dicomweb/studies/{row.StudyInstanceUid}/series/{row.SeriesInstanceUid}/instances/{row.SopInstanceUid}";

    /// <summary>No Accept, a wildcard, or octet-stream (alone or as the multipart type); a compressed media type is refused.</summary>
    private static bool AcceptsOctetStream(Microsoft.Extensions.Primitives.StringValues accept) =>
        accept.Count == 0 || accept.Any(a => a is null || a.Contains("*/*", StringComparison.Ordinal) || a.Contains(OctetStream, StringComparison.OrdinalIgnoreCase)
            || (a.Contains("multipart/related", StringComparison.OrdinalIgnoreCase) && !a.Contains("type=", StringComparison.OrdinalIgnoreCase)));

    internal static IResult NotFound() =>
        Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not found", detail: "No TbScreen result object has these UIDs.");
}

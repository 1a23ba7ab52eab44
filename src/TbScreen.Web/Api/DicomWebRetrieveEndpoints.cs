using System.Security.Claims;
using System.Text.Json.Nodes;
using TbScreen.Dicom;
using TbScreen.Dicom.Json;
using TbScreen.Dicom.Querying;
using TbScreen.Screening.Persistence;
using TbScreen.Screening.Storage;
using TbScreen.Web.Identity;

namespace TbScreen.Web.Api;

/// <summary>
/// QIDO-RS and WADO-RS (PS3.18 10.6, 10.4) for the objects this host builds: each screened result's SR and heatmap
/// Secondary Capture, so a viewer or PACS can pull them. Searches answer DICOM JSON at study, series and instance
/// level; an instance is retrieved as multipart/related; type="application/dicom". Every search and retrieve is
/// audited: the answers carry the patient's name and ID.
/// </summary>
public static class DicomWebRetrieveEndpoints
{
    private const int MaxObjects = TbScreen.Pacs.ResultStudies.MaxObjects;

    public static IEndpointRouteBuilder MapDicomWebRetrieveEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/dicomweb").WithTags("DICOMweb").RequireAuthorization(Policies.ScreenDicomWeb);
        group.MapGet("/studies", async (HttpContext http, DicomOutboxStore objects, ContentStore content, IScreeningStore store, ClaimsPrincipal user, CancellationToken ct) =>
        {
            StudyQuery query;
            try
            {
                query = StudyQuery.Parse(http.Request.Query.SelectMany(p => p.Value.Select(v => KeyValuePair.Create(p.Key, v ?? ""))));
            }
            catch (FormatException e)
            {
                return Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Invalid QIDO-RS query", detail: e.Message);
            }

            var studies = await new TbScreen.Pacs.ResultStudies(objects, content).FindAsync(query, ct);
            var page = query.Page(studies).Select(s =>
            {
                var json = Attributes(s.Header, DicomTag.StudyInstanceUid, 0x00080020, 0x00080030, 0x00080050, DicomTag.PatientName, 0x00100020, 0x00200010);
                json["00080061"] = Strings("CS", s.Modalities);
                json["00201208"] = Number("IS", s.Objects);
                return (JsonNode)json;
            });
            if (query.Unsupported.Count > 0)
            {
                // PS3.18 8.3.4.1: unsupported keys are ignored, and the answer says so.
                http.Response.Headers.Warning = $"299 tbscreen \"The following query keys were not supported and were ignored: {string.Join(", ", query.Unsupported)}\"";
            }

            return await AnswerAsync(store, user, "studies" + AuditedQuery(http.Request.Query), page, ct);
        }).WithSummary("QIDO-RS: studies that have TbScreen result objects");

        group.MapGet("/studies/{study}/series", async (string study, DicomOutboxStore objects, ContentStore content, IScreeningStore store, ClaimsPrincipal user, CancellationToken ct) =>
        {
            var rows = await objects.ObjectsAsync(MaxObjects, study: study, cancellationToken: ct);
            var series = rows.GroupBy(r => r.SeriesInstanceUid).Select(g =>
            {
                var json = Attributes(TbScreen.Pacs.ResultStudies.Header(content, g.First()), DicomTag.StudyInstanceUid, DicomTag.SeriesInstanceUid, DicomTag.Modality, 0x00200011, 0x0008103E);
                json["00201209"] = Number("IS", g.Count());
                return (JsonNode)json;
            });
            return await AnswerAsync(store, user, $"studies/{study}/series", series, ct);
        }).WithSummary("QIDO-RS: the result series of a study");

        group.MapGet("/studies/{study}/series/{series}/instances", async (string study, string series, DicomOutboxStore objects, ContentStore content, IScreeningStore store, ClaimsPrincipal user, CancellationToken ct) =>
        {
            var rows = await objects.ObjectsAsync(MaxObjects, study: study, series: series, cancellationToken: ct);
            var instances = rows.Select(r => (JsonNode)Attributes(TbScreen.Pacs.ResultStudies.Header(content, r), DicomTag.SopClassUid, DicomTag.SopInstanceUid, 0x00200013, DicomTag.SeriesInstanceUid, DicomTag.StudyInstanceUid));
            return await AnswerAsync(store, user, $"studies/{study}/series/{series}/instances", instances, ct);
        }).WithSummary("QIDO-RS: the result objects of a series");

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

    private static async Task<IResult> AnswerAsync(IScreeningStore store, ClaimsPrincipal user, string query, IEnumerable<JsonNode> matches, CancellationToken ct)
    {
        var array = new JsonArray([.. matches]);
        await store.RecordAsync(ApiActors.Of(user), AuditActions.DicomWebSearched, "dicomweb/" + query, $"{array.Count} matches", ct);
        // PS3.18 10.6.3: 204 when nothing matches.
        return array.Count == 0 ? Results.NoContent() : Results.Text(array.ToJsonString(), DicomWebEndpoints.DicomJson);
    }

    /// <summary>The search as the audit trail records it: every key, with the values of the patient's name and ID withheld.</summary>
    private static string AuditedQuery(IQueryCollection query) =>
        query.Count == 0 ? "" : "?" + string.Join("&", query.Select(p => p.Key + "=" + (IsPatientKey(p.Key) ? "***" : p.Value.ToString())));

    private static bool IsPatientKey(string key) =>
        key.Equals("PatientID", StringComparison.OrdinalIgnoreCase) || key.Equals("PatientName", StringComparison.OrdinalIgnoreCase)
        || key.Equals("00100020", StringComparison.OrdinalIgnoreCase) || key.Equals("00100010", StringComparison.OrdinalIgnoreCase);


    /// <summary>The attributes in DICOM JSON (PS3.18 F.2) by the one writer; absent ones as empty, with their VR.</summary>
    private static JsonObject Attributes(DicomDataset dataset, params uint[] tags)
    {
        var json = new JsonObject();
        foreach (uint tag in tags)
        {
            json[DicomJsonWriter.Key(tag)] = DicomJsonWriter.WriteAttribute(dataset, tag) ?? new JsonObject { ["vr"] = KnownVr(tag) };
        }

        return json;
    }

    /// <summary>The VR of the attributes searched here when an object lacks them (PS3.6).</summary>
    private static string KnownVr(uint tag) => tag switch
    {
        0x00080020 => "DA",
        0x00080030 => "TM",
        0x00080050 or 0x00200010 => "SH",
        0x00100010 => "PN",
        0x00100020 or 0x0008103E => "LO",
        0x00200011 or 0x00200013 => "IS",
        0x00080060 => "CS",
        _ => "UI",
    };

    private static JsonObject Strings(string vr, IEnumerable<string> values) => new() { ["vr"] = vr, ["Value"] = new JsonArray([.. values.Select(v => (JsonNode)v)]) };

    private static JsonObject Number(string vr, int value) => new() { ["vr"] = vr, ["Value"] = new JsonArray(value) };
}

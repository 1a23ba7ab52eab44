using System.Security.Claims;
using System.Text.Json.Nodes;
using TbScreen.Dicom;
using TbScreen.Dicom.Json;
using TbScreen.Dicom.Querying;
using TbScreen.Pacs;
using TbScreen.Screening.Persistence;
using TbScreen.Screening.Storage;
using TbScreen.Web.Identity;

namespace TbScreen.Web.Api;

/// <summary>
/// QIDO-RS (PS3.18 10.6) over this host's result objects (each screened result's SR and heatmap capture): studies,
/// series and instances, each searchable under its parent or across all, by the keys of its level and the levels
/// above, with limit and offset. Answers are DICOM JSON; every search is audited (the answers carry the patient's name
/// and ID), with the values of the patient's keys withheld.
/// </summary>
public static class QidoEndpoints
{
    private const uint NumberOfStudyRelatedInstances = 0x00201208;
    private const uint NumberOfSeriesRelatedInstances = 0x00201209;
    private const uint RetrieveUrl = 0x00081190;

    public static IEndpointRouteBuilder MapQidoEndpoints(this IEndpointRouteBuilder app)
    {
        var group = DicomWebRoutes.Group(app);
        group.MapGet("/studies", (HttpContext http, ResultStudies results, IScreeningStore store, ClaimsPrincipal user, CancellationToken ct) =>
            SearchAsync(http, store, user, QueryLevel.Study, "studies", async query => (await results.FindAsync(query, ct)).Select(s => StudyJson(http, s)), ct))
            .WithSummary("QIDO-RS: studies that have TbScreen result objects");
        group.MapGet("/series", (HttpContext http, ResultStudies results, IScreeningStore store, ClaimsPrincipal user, CancellationToken ct) =>
            SearchAsync(http, store, user, QueryLevel.Series, "series", async query => (await results.FindSeriesAsync(query, null, ct)).Select(s => SeriesJson(http, s)), ct))
            .WithSummary("QIDO-RS: result series of every study");
        group.MapGet("/studies/{study}/series", (string study, HttpContext http, ResultStudies results, IScreeningStore store, ClaimsPrincipal user, CancellationToken ct) =>
            SearchAsync(http, store, user, QueryLevel.Series, $"studies/{study}/series", async query => (await results.FindSeriesAsync(query, study, ct)).Select(s => SeriesJson(http, s)), ct))
            .WithSummary("QIDO-RS: the result series of a study");
        group.MapGet("/instances", (HttpContext http, ResultStudies results, IScreeningStore store, ClaimsPrincipal user, CancellationToken ct) =>
            SearchAsync(http, store, user, QueryLevel.Instance, "instances", async query => (await results.FindInstancesAsync(query, null, null, ct)).Select(i => InstanceJson(http, i)), ct))
            .WithSummary("QIDO-RS: result objects of every study");
        group.MapGet("/studies/{study}/instances", (string study, HttpContext http, ResultStudies results, IScreeningStore store, ClaimsPrincipal user, CancellationToken ct) =>
            SearchAsync(http, store, user, QueryLevel.Instance, $"studies/{study}/instances", async query => (await results.FindInstancesAsync(query, study, null, ct)).Select(i => InstanceJson(http, i)), ct))
            .WithSummary("QIDO-RS: the result objects of a study");
        group.MapGet("/studies/{study}/series/{series}/instances", (string study, string series, HttpContext http, ResultStudies results, IScreeningStore store,
            ClaimsPrincipal user, CancellationToken ct) =>
            SearchAsync(http, store, user, QueryLevel.Instance, $"studies/{study}/series/{series}/instances",
                async query => (await results.FindInstancesAsync(query, study, series, ct)).Select(i => InstanceJson(http, i)), ct))
            .WithSummary("QIDO-RS: the result objects of a series");
        return app;
    }

    private static async Task<IResult> SearchAsync(HttpContext http, IScreeningStore store, ClaimsPrincipal user, QueryLevel level, string path,
        Func<DicomQuery, Task<IEnumerable<JsonObject>>> find, CancellationToken ct)
    {
        DicomQuery query;
        try
        {
            query = DicomQuery.Parse(http.Request.Query.SelectMany(p => p.Value.Select(v => KeyValuePair.Create(p.Key, v ?? ""))), level);
        }
        catch (FormatException e)
        {
            return Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Invalid QIDO-RS query", detail: e.Message);
        }

        if (query.Unsupported.Count > 0)
        {
            // PS3.18 8.3.4.1: unsupported keys are ignored, and the answer says so.
            http.Response.Headers.Warning = $"299 tbscreen \"The following query keys were not supported and were ignored: {string.Join(", ", query.Unsupported)}\"";
        }

        var array = new JsonArray([.. query.Page(await find(query))]);
        await store.RecordAsync(ApiActors.Of(user), AuditActions.DicomWebSearched, "dicomweb/" + path + AuditedQuery(http.Request.Query), $"{array.Count} matches", ct);
        // PS3.18 10.6.3: 204 when nothing matches.
        return array.Count == 0 ? Results.NoContent() : Results.Text(array.ToJsonString(), DicomWebEndpoints.DicomJson);
    }

    private static JsonObject StudyJson(HttpContext http, ResultStudy study)
    {
        var json = Attributes(study.Header, DicomTag.StudyInstanceUid, 0x00080020, 0x00080030, 0x00080050, DicomTag.PatientName, DicomTag.PatientId, 0x00200010,
            0x00080090);
        json[DicomJsonWriter.Key(DicomQuery.ModalitiesInStudy)] = new JsonObject { ["vr"] = "CS", ["Value"] = new JsonArray([.. study.Modalities.Select(m => (JsonNode)m)]) };
        json[DicomJsonWriter.Key(NumberOfStudyRelatedInstances)] = Number(study.Objects);
        json[DicomJsonWriter.Key(RetrieveUrl)] = Url(http, $"studies/{study.StudyInstanceUid}");
        return json;
    }

    private static JsonObject SeriesJson(HttpContext http, ResultSeries series)
    {
        var json = Attributes(series.Header, DicomTag.StudyInstanceUid, DicomTag.SeriesInstanceUid, DicomTag.Modality, 0x00200011, 0x0008103E);
        json[DicomJsonWriter.Key(NumberOfSeriesRelatedInstances)] = Number(series.Objects);
        json[DicomJsonWriter.Key(RetrieveUrl)] = Url(http, $"studies/{series.StudyInstanceUid}/series/{series.SeriesInstanceUid}");
        return json;
    }

    private static JsonObject InstanceJson(HttpContext http, ResultInstance instance)
    {
        var json = Attributes(instance.Header, DicomTag.SopClassUid, DicomTag.SopInstanceUid, 0x00200013, DicomTag.StudyInstanceUid, DicomTag.SeriesInstanceUid,
            DicomTag.Modality, DicomTag.Rows, DicomTag.Columns, DicomTag.NumberOfFrames);
        var row = instance.Row;
        json[DicomJsonWriter.Key(RetrieveUrl)] = Url(http, $"studies/{row.StudyInstanceUid}/series/{row.SeriesInstanceUid}/instances/{row.SopInstanceUid}");
        return json;
    }

    /// <summary>The attributes in DICOM JSON by the one writer; those an object lacks as empty, with their VR.</summary>
    private static JsonObject Attributes(DicomDataset dataset, params uint[] tags)
    {
        var json = new JsonObject();
        foreach (uint tag in tags)
        {
            json[DicomJsonWriter.Key(tag)] = DicomJsonWriter.WriteAttribute(dataset, tag) ?? new JsonObject { ["vr"] = KnownVr(tag) };
        }

        return json;
    }

    /// <summary>The VR of the attributes answered here when an object lacks them (PS3.6).</summary>
    private static string KnownVr(uint tag) => tag switch
    {
        0x00080020 => "DA",
        0x00080030 => "TM",
        0x00080050 or 0x00200010 => "SH",
        0x00100010 or 0x00080090 => "PN",
        0x00100020 or 0x0008103E => "LO",
        0x00200011 or 0x00200013 or 0x00280008 => "IS",
        0x00080060 => "CS",
        0x00280010 or 0x00280011 => "US",
        _ => "UI",
    };

    private static JsonObject Number(int value) => new() { ["vr"] = "IS", ["Value"] = new JsonArray(value) };

    /// <summary>Retrieve URL (0008,1190): where WADO-RS returns what the row describes.</summary>
    private static JsonObject Url(HttpContext http, string path) =>
        new() { ["vr"] = "UR", ["Value"] = new JsonArray($"{http.Request.Scheme}://{http.Request.Host}{http.Request.PathBase}/dicomweb/{path}") };

    /// <summary>The search as the audit trail records it: every key, with the values of the patient's name and ID withheld.</summary>
    private static string AuditedQuery(IQueryCollection query) =>
        query.Count == 0 ? "" : "?" + string.Join("&", query.Select(p => p.Key + "=" + (IsPatientKey(p.Key) ? "***" : p.Value.ToString())));

    private static bool IsPatientKey(string key) =>
        key.Equals("PatientID", StringComparison.OrdinalIgnoreCase) || key.Equals("PatientName", StringComparison.OrdinalIgnoreCase)
        || key.Equals("00100020", StringComparison.OrdinalIgnoreCase) || key.Equals("00100010", StringComparison.OrdinalIgnoreCase);
}

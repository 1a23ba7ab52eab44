using System.Security.Claims;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using TbScreen.Dicom;
using TbScreen.Dicom.Json;
using TbScreen.Dicom.Writing;
using TbScreen.Dicom.Network;
using TbScreen.Screening.Persistence;
using TbScreen.Web.Configuration;
using TbScreen.Web.Identity;

namespace TbScreen.Web.Api;

/// <summary>
/// DICOMweb STOW-RS (PS3.18 10.5): `POST /dicomweb/studies[/{study}]` with multipart/related; type="application/dicom".
/// Each instance is stored exactly as a C-STORE is (content store + the received job, before the answer), then
/// screened in the background into the worklist. The answer is the DICOM JSON store response: Referenced SOP
/// Sequence for what was stored, Failed SOP Sequence with a Failure Reason for the rest; 200 when all were stored,
/// 202 when some failed, 409 when none was stored.
/// </summary>
public static class DicomWebEndpoints
{
    public const string DicomJson = "application/dicom+json";

    /// <summary>Radiographs to screen: CR, DX (both) and Secondary Capture, as the C-STORE listener accepts them.</summary>
    private static readonly HashSet<string> Accepted =
    [
        DicomUids.ComputedRadiographyImageStorage,
        DicomUids.DigitalXRayImageStorageForPresentation,
        DicomUids.DigitalXRayImageStorageForProcessing,
        DicomUids.SecondaryCaptureImageStorage,
    ];

    public static IEndpointRouteBuilder MapDicomWebEndpoints(this IEndpointRouteBuilder app)
    {
        long maxBytes = app.ServiceProvider.GetRequiredService<IOptions<TbScreenOptions>>().Value.Uploads.MaxBytes;
        var group = DicomWebRoutes.Group(app)
            // Scripts and PACS call this with a cookie or header credentials, as the REST API; SameSite=Strict cookies.
            .DisableAntiforgery();
        group.MapPost("/studies", (HttpContext http, Pacs.DicomNodeService node, IScreeningStore store, ClaimsPrincipal user, CancellationToken ct) =>
                StoreAsync(http, null, node, store, user, ct))
            .WithMetadata(new RequestSizeLimitAttribute(maxBytes))
            .WithSummary("STOW-RS: store radiographs (multipart/related; type=\"application/dicom\") and screen them");
        group.MapPost("/studies/{study}", (string study, HttpContext http, Pacs.DicomNodeService node, IScreeningStore store, ClaimsPrincipal user, CancellationToken ct) =>
                StoreAsync(http, study, node, store, user, ct))
            .WithMetadata(new RequestSizeLimitAttribute(maxBytes))
            .WithSummary("STOW-RS into one study: instances of another study fail");
        return app;
    }

    private static async Task<IResult> StoreAsync(HttpContext http, string? study, Pacs.DicomNodeService node, IScreeningStore store, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        if (!MediaTypeHeaderValue.TryParse(http.Request.ContentType, out var type) || !type.MediaType.Equals("multipart/related", StringComparison.OrdinalIgnoreCase)
            || HeaderUtilities.RemoveQuotes(type.Parameters.FirstOrDefault(p => p.Name.Equals("type", StringComparison.OrdinalIgnoreCase))?.Value ?? default).Value is not "application/dicom"
            || HeaderUtilities.RemoveQuotes(type.Boundary).Value is not { Length: > 0 } boundary)
        {
            return Results.Problem(statusCode: StatusCodes.Status415UnsupportedMediaType, title: "Unsupported media type",
                detail: "STOW-RS takes multipart/related; type=\"application/dicom\"; boundary=... (PS3.18 10.5); this host stores DICOM instances only.");
        }

        string actor = ApiActors.Of(user);
        var received = node.Received;
        var referenced = new List<DicomDataset>();
        var failed = new List<DicomDataset>();
        var reader = new MultipartReader(boundary, http.Request.Body);
        int parts = 0;
        while (await reader.ReadNextSectionAsync(cancellationToken) is { } section)
        {
            parts++;
            using var buffer = new MemoryStream();
            await section.Body.CopyToAsync(buffer, cancellationToken);
            byte[] bytes = buffer.ToArray();
            DicomDataset dataset;
            try
            {
                dataset = new DicomReader().Parse(bytes, $"part-{parts}").Dataset;
            }
            catch (DicomException)
            {
                failed.Add(Failure(null, null, 0xC000));
                continue;
            }

            string? sopClass = dataset.GetString(DicomTag.SopClassUid);
            string? sopInstance = dataset.GetString(DicomTag.SopInstanceUid);
            if (sopClass is null || !Accepted.Contains(sopClass))
            {
                failed.Add(Failure(sopClass, sopInstance, 0x0122));
                continue;
            }

            if (study is not null && dataset.GetString(DicomTag.StudyInstanceUid) != study)
            {
                failed.Add(Failure(sopClass, sopInstance, 0xA900));
                continue;
            }

            var status = await received.StoreAsync(bytes, actor, cancellationToken);
            if (status.IsSuccess)
            {
                referenced.Add(Reference(sopClass, sopInstance));
            }
            else
            {
                failed.Add(Failure(sopClass, sopInstance, status.Code));
            }
        }

        if (parts == 0)
        {
            return Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "No instances", detail: "The multipart body holds no part.");
        }

        await store.RecordAsync(actor, AuditActions.DicomWebStored, "dicomweb/studies", $"{referenced.Count} stored, {failed.Count} failed", cancellationToken);
        // The Store Instances Response Module (PS3.18 10.5.3), written by the one DICOM JSON writer.
        var response = new DicomDataset();
        if (referenced.Count > 0)
        {
            response.AddSequence(0x00081199, [.. referenced]);
        }

        if (failed.Count > 0)
        {
            response.AddSequence(0x00081198, [.. failed]);
        }

        int code = failed.Count == 0 ? StatusCodes.Status200OK : referenced.Count == 0 ? StatusCodes.Status409Conflict : StatusCodes.Status202Accepted;
        return Results.Text(DicomJsonWriter.Write(response).ToJsonString(), DicomJson, statusCode: code);
    }

    /// <summary>A Referenced SOP Sequence item: the instance's class and UID, each empty when it could not be read.</summary>
    private static DicomDataset Reference(string? sopClass, string? sopInstance) =>
        new DicomDataset().AddString(0x00081150, "UI", sopClass ?? "").AddString(0x00081155, "UI", sopInstance ?? "");

    /// <summary>A Failed SOP Sequence item: the instance (when it could be read) and the Failure Reason (0008,1197).</summary>
    private static DicomDataset Failure(string? sopClass, string? sopInstance, ushort reason) =>
        Reference(sopClass, sopInstance).AddUInt16(0x00081197, reason);
}

using System.Buffers.Binary;
using TbScreen.Imaging;
using TbScreen.Inference.Heatmaps;
using TbScreen.Screening;
using TbScreen.Screening.Persistence;

namespace TbScreen.Web.Api.Contracts;

/// <summary>Stored results and jobs → API responses. The only place that decides what leaves the host.</summary>
internal static class ResponseMapper
{
    public static string ResultLocation(long id) => $"/api/screenings/{id}";

    public static string HeatmapLocation(long id) => $"/api/screenings/{id}/heatmap";

    public static string JobLocation(long id) => $"/api/jobs/{id}";

    public static ScreeningResultResponse ToResponse(StoredOutcome stored, string? fileName = null, bool? fromStore = null)
    {
        var o = stored.Outcome;
        return new ScreeningResultResponse
        {
            Id = stored.ResultId.ToString(System.Globalization.CultureInfo.InvariantCulture),
            FileName = fileName ?? Path.GetFileName(o.Source),
            SopInstanceUid = o.SopInstanceUid,
            Status = o.Status.ToCode(),
            Error = o.Error,
            Scores = o.Status == ScreeningStatus.Ok ? Scores(o) : null,
            Decision = o.Decision,
            Flag = o.Flag,
            FlagReason = o.FlagReason,
            DecidedBy = o.DecidedBy is { } d ? new DecidedByResponse(d.Site, d.Version, d.Threshold, d.MatchedBy, d.Label) : null,
            ModelVersion = o.ModelVersion,
            Timings = Timings(o),
            Metadata = o.Metadata is { } m ? Metadata(m) : null,
            Heatmap = o.Heatmap is { } h ? new HeatmapLink(h.Width, h.Height, HeatmapLocation(stored.ResultId)) : null,
            ContentSha256 = o.ContentSha256,
            ScreenedAt = new DateTimeOffset(DateTime.SpecifyKind(stored.CreatedAt, DateTimeKind.Utc)),
            FromStore = fromStore ?? !stored.Created,
        };
    }

    public static HeatmapResponse ToResponse(Heatmap heatmap)
    {
        var bytes = new byte[heatmap.Values.Length * sizeof(float)];
        for (int i = 0; i < heatmap.Values.Length; i++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * sizeof(float)), heatmap.Values[i]);
        }

        return new HeatmapResponse(heatmap.Width, heatmap.Height, "float32-le-base64", Convert.ToBase64String(bytes), ResearchNotice.Text);
    }

    private static ScoresResponse Scores(ScreeningOutcome o)
    {
        var members = o.MemberProbabilities ?? new Dictionary<string, double>();
        if (o.MemberProbabilities is null)
        {
            // Rows written before member maps existed carry the two named columns only.
            var named = new Dictionary<string, double>();
            if (o.AlexNetProbability is double a)
            {
                named["alexnet"] = a;
            }

            if (o.GoogLeNetProbability is double g)
            {
                named["googlenet"] = g;
            }

            members = named;
        }

        return new ScoresResponse(o.EnsembleProbability, members);
    }

    private static TimingsResponse Timings(ScreeningOutcome o) => new(
        o.IngestTime?.TotalMilliseconds,
        o.Timings?.Preprocess.TotalMilliseconds,
        o.Timings?.Inference.TotalMilliseconds,
        o.Timings?.Ensemble.TotalMilliseconds,
        o.Timings?.Heatmap.TotalMilliseconds,
        o.Elapsed.TotalMilliseconds);

    private static RadiographMetadataResponse Metadata(RadiographMetadata m) => new()
    {
        PatientPseudonym = m.PatientPseudonym,
        Sex = m.PatientSex,
        Age = m.PatientAge,
        Modality = m.Modality,
        BodyPart = m.BodyPartExamined,
        View = m.ViewPosition,
        Institution = m.InstitutionName,
            Station = m.StationName,
        Manufacturer = m.Manufacturer,
        ManufacturerModel = m.ManufacturerModelName,
        StudyInstanceUid = m.StudyInstanceUid,
        SeriesInstanceUid = m.SeriesInstanceUid,
    };
}

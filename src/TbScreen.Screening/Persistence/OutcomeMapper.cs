using System.Buffers.Binary;
using System.Text.Json;
using TbScreen.Imaging;
using TbScreen.Inference.Heatmaps;
using TbScreen.Screening.Persistence.Entities;
using StageTimings = TbScreen.Inference.StageTimings;

namespace TbScreen.Screening.Persistence;

/// <summary>Outcome ⇄ rows. Heatmaps are stored as raw float32 (little-endian): 4 bytes a value, no JSON bloat.</summary>
internal static class OutcomeMapper
{
    public static ScreeningResult ToRow(ScreeningOutcome o, long? imageId, string? dedupeKey, DateTime now) => new()
    {
        ImageId = imageId,
        DedupeKey = dedupeKey,
        ModelVersion = o.ModelVersion,
        Source = o.Source,
        ContentSha256 = o.ContentSha256,
        SopInstanceUid = o.SopInstanceUid,
        UidConflict = o.UidConflict,
        Status = o.Status.ToCode(),
        Error = o.Error,
        AlexNetProbability = o.AlexNetProbability,
        GoogLeNetProbability = o.GoogLeNetProbability,
        EnsembleProbability = o.EnsembleProbability,
        MemberProbabilitiesJson = o.MemberProbabilities is { } m ? JsonSerializer.Serialize(m) : null,
        Decision = o.Decision,
        Flag = o.Flag,
        FlagReason = o.FlagReason,
        SiteName = o.DecidedBy?.Site,
        SiteProfileVersion = o.DecidedBy?.Version,
        DecisionThreshold = o.DecidedBy?.Threshold,
        SiteMatchedBy = o.DecidedBy?.MatchedBy,
        HeatmapWidth = o.Heatmap?.Width,
        HeatmapHeight = o.Heatmap?.Height,
        Heatmap = o.Heatmap is { } h ? ToBytes(h.Values) : null,
        IngestMs = o.IngestTime?.TotalMilliseconds,
        PreprocessMs = o.Timings?.Preprocess.TotalMilliseconds,
        InferenceMs = o.Timings?.Inference.TotalMilliseconds,
        EnsembleMs = o.Timings?.Ensemble.TotalMilliseconds,
        HeatmapMs = o.Timings?.Heatmap.TotalMilliseconds,
        ElapsedMs = o.Elapsed.TotalMilliseconds,
        CreatedAt = now,
    };

    public static StoredOutcome ToStored(ScreeningResult r, Image? image, bool created) => new(
        r.Id,
        r.ImageId,
        image?.StudyId,
        DateTime.SpecifyKind(r.CreatedAt, DateTimeKind.Utc),
        new ScreeningOutcome
        {
            Source = r.Source,
            Status = ScreeningStatusCodes.Parse(r.Status),
            Error = r.Error,
            ContentSha256 = r.ContentSha256,
            SopInstanceUid = r.SopInstanceUid,
            PixelSha256 = image?.PixelSha256,
            SourcePurgedAt = image?.SourcePurgedAt is DateTime purged ? DateTime.SpecifyKind(purged, DateTimeKind.Utc) : null,
            UidConflict = r.UidConflict,
            Metadata = image is null ? null : ToMetadata(image),
            AlexNetProbability = r.AlexNetProbability,
            GoogLeNetProbability = r.GoogLeNetProbability,
            EnsembleProbability = r.EnsembleProbability,
            MemberProbabilities = r.MemberProbabilitiesJson is { } json ? JsonSerializer.Deserialize<Dictionary<string, double>>(json) : null,
            Decision = r.Decision,
            Flag = r.Flag,
            FlagReason = r.FlagReason,
            DecidedBy = r.DecisionThreshold is double threshold ? new Sites.DecidingProfile(r.SiteName, r.SiteProfileVersion, threshold, r.SiteMatchedBy) : null,
            Input = image is { Rows: int rows, Columns: int columns, BitsStored: int bits, PhotometricInterpretation: { } photometric }
                ? new InputProperties(rows, columns, bits, photometric) : null,
            ModelVersion = r.ModelVersion,
            Heatmap = r.Heatmap is { } bytes && r.HeatmapWidth is int w && r.HeatmapHeight is int h ? new Heatmap(w, h, FromBytes(bytes)) : null,
            Timings = r.PreprocessMs is double p
                ? new StageTimings(Ms(p), Ms(r.InferenceMs ?? 0), Ms(r.EnsembleMs ?? 0), Ms(r.HeatmapMs ?? 0))
                : null,
            IngestTime = r.IngestMs is double i ? Ms(i) : null,
            Elapsed = Ms(r.ElapsedMs),
            FromStore = true,
        })
    {
        Created = created,
    };

    public static Image ToImage(string imageKey, ScreeningOutcome o, long? studyId, DateTime now)
    {
        var m = o.Metadata;
        return new Image
        {
            ImageKey = imageKey,
            SopInstanceUid = o.SopInstanceUid,
            SeriesInstanceUid = m?.SeriesInstanceUid,
            StudyId = studyId,
            ContentSha256 = o.ContentSha256,
            PixelSha256 = o.PixelSha256,
            PatientPseudonym = m?.PatientPseudonym,
            PatientSex = m?.PatientSex,
            PatientAge = PatientAges.SafeHarbor(m?.PatientAge),
            InstitutionName = m?.InstitutionName,
            Manufacturer = m?.Manufacturer,
            ManufacturerModelName = m?.ManufacturerModelName,
            Modality = m?.Modality,
            BodyPartExamined = m?.BodyPartExamined,
            ViewPosition = m?.ViewPosition,
            StationName = m?.StationName,
            Rows = o.Input?.Rows,
            Columns = o.Input?.Columns,
            BitsStored = o.Input?.BitsStored,
            PhotometricInterpretation = o.Input?.PhotometricInterpretation,
            CreatedAt = now,
        };
    }

    public static RadiographMetadata ToMetadata(Image i) => new()
    {
        SopInstanceUid = i.SopInstanceUid,
        SeriesInstanceUid = i.SeriesInstanceUid,
        StudyInstanceUid = i.Study?.StudyInstanceUid,
        PatientPseudonym = i.PatientPseudonym,
        PatientSex = i.PatientSex,
        PatientAge = i.PatientAge,
        InstitutionName = i.InstitutionName,
        Manufacturer = i.Manufacturer,
        ManufacturerModelName = i.ManufacturerModelName,
        Modality = i.Modality,
        BodyPartExamined = i.BodyPartExamined,
        ViewPosition = i.ViewPosition,
        StationName = i.StationName,
    };

    private static TimeSpan Ms(double ms) => TimeSpan.FromMilliseconds(ms);

    private static byte[] ToBytes(float[] values)
    {
        var bytes = new byte[values.Length * 4];
        for (int i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * 4), values[i]);
        }

        return bytes;
    }

    private static float[] FromBytes(byte[] bytes)
    {
        var values = new float[bytes.Length / 4];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(i * 4));
        }

        return values;
    }
}

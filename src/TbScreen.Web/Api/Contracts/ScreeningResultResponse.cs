namespace TbScreen.Web.Api.Contracts;

/// <summary>
/// One screening result as the API returns it (POST /api/screenings, GET /api/screenings/{id}). The heatmap is
/// a link: inlined as JSON numbers a 224x224 map would be several times larger than everything else.
/// </summary>
public sealed record ScreeningResultResponse
{
    public required string Id { get; init; }

    /// <summary>The uploaded file's name (or the path for batch items); never used to find the result again.</summary>
    public string? FileName { get; init; }

    public string? SopInstanceUid { get; init; }

    /// <summary>ok, not-chest-xray, invalid-dicom, unsupported-transfer-syntax, unreadable-image or processing-failed.</summary>
    public required string Status { get; init; }

    public string? Error { get; init; }

    public ScoresResponse? Scores { get; init; }

    /// <summary>tb or not-tb; null when not screened.</summary>
    public string? Decision { get; init; }

    /// <summary>none, disagreement, uncertain or disagreement+uncertain.</summary>
    public string? Flag { get; init; }

    public string? FlagReason { get; init; }

    /// <summary>Which site profile decided and at which threshold; null for results that were not screened.</summary>
    public DecidedByResponse? DecidedBy { get; init; }

    public required string ModelVersion { get; init; }

    public TimingsResponse? Timings { get; init; }

    public RadiographMetadataResponse? Metadata { get; init; }

    public HeatmapLink? Heatmap { get; init; }

    public string? ContentSha256 { get; init; }

    public DateTimeOffset? ScreenedAt { get; init; }

    /// <summary>True when this request found the result already stored (same SOP Instance UID and model version).</summary>
    public bool FromStore { get; init; }

    public string Notice { get; init; } = ResearchNotice.Text;
}

/// <summary>Ensemble probability of TB and each member's, keyed by bundle name (alexnet, googlenet).</summary>
public sealed record ScoresResponse(double? Ensemble, IReadOnlyDictionary<string, double> Members);

/// <summary>Milliseconds per stage; preprocess..heatmap are the ensemble's stages, total is the whole request.</summary>
public sealed record TimingsResponse(double? IngestMs, double? PreprocessMs, double? InferenceMs, double? EnsembleMs, double? HeatmapMs, double TotalMs);

/// <summary>The de-identified attributes only: no names, patient IDs or birth dates ever leave the API.</summary>
public sealed record RadiographMetadataResponse
{
    /// <summary>Keyed HMAC-SHA-256 pseudonym of the Patient ID (64 hex digits), the same for every image of one patient; null when none.</summary>
    public string? PatientPseudonym { get; init; }
    public string? Sex { get; init; }
    public string? Age { get; init; }
    public string? Modality { get; init; }
    public string? BodyPart { get; init; }
    public string? View { get; init; }
    public string? Institution { get; init; }
    public string? Station { get; init; }
    public string? Manufacturer { get; init; }
    public string? ManufacturerModel { get; init; }
    public string? StudyInstanceUid { get; init; }
    public string? SeriesInstanceUid { get; init; }
}

/// <summary>site and version null: the shipped ensemble.json threshold decided (site set: it matched but had no approved profile).</summary>
public sealed record DecidedByResponse(string? Site, int? Version, double Threshold, string? MatchedBy, string Label);

public sealed record HeatmapLink(int Width, int Height, string Href);

/// <summary>GET /api/screenings/{id}/heatmap: row-major values in [0, 1], little-endian float32, base64.</summary>
public sealed record HeatmapResponse(int Width, int Height, string Encoding, string Values, string Notice);

using TbScreen.Imaging;
using TbScreen.Inference;
using TbScreen.Inference.Heatmaps;

namespace TbScreen.Screening;

/// <summary>
/// Everything the pipeline knows about one file: status and error, the scores, decision and flag, the
/// heatmap, per-stage timings and the model versions. CLI rows, stored results and API responses are
/// all made from this one record.
/// </summary>
public sealed record ScreeningOutcome
{
    public required string Source { get; init; }

    public required ScreeningStatus Status { get; init; }

    /// <summary>Why the file was not screened; null when <see cref="Status"/> is Ok.</summary>
    public string? Error { get; init; }

    /// <summary>SHA-256 of the file's bytes (the content-addressed store key).</summary>
    public string? ContentSha256 { get; init; }

    public string? SopInstanceUid { get; init; }

    /// <summary>SHA-256 of the decoded stored pixel values (<see cref="ImageIdentity.PixelSha256"/>): equal for a lossless
    /// re-export of the same image, different for other pixels under the same UID. Null when nothing was decoded.</summary>
    public string? PixelSha256 { get; init; }

    /// <summary>When the retention task deleted the source image (the result stays); null while it is kept.</summary>
    public DateTime? SourcePurgedAt { get; init; }

    /// <summary>The image's SOP Instance UID is already held by an image with other pixels (a possible planted result).</summary>
    public bool UidConflict { get; init; }

    public RadiographMetadata? Metadata { get; init; }

    public double? AlexNetProbability { get; init; }

    public double? GoogLeNetProbability { get; init; }

    public double? EnsembleProbability { get; init; }

    /// <summary>Every member's TB probability by bundle name (ensemble order), for ensembles beyond the two named above.</summary>
    public IReadOnlyDictionary<string, double>? MemberProbabilities { get; init; }

    /// <summary>The members beyond the two named above (a three-member ensemble's ResNet-18), in ensemble order; empty otherwise.</summary>
    public IReadOnlyList<KeyValuePair<string, double>> OtherMemberProbabilities() =>
        (MemberProbabilities ?? new Dictionary<string, double>())
            .Where(m => !string.Equals(m.Key, "alexnet", StringComparison.OrdinalIgnoreCase) && !string.Equals(m.Key, "googlenet", StringComparison.OrdinalIgnoreCase))
            .ToList();

    /// <summary>tb or not-tb.</summary>
    public string? Decision { get; init; }

    /// <summary>none, disagreement, uncertain or disagreement+uncertain.</summary>
    public string? Flag { get; init; }

    public string? FlagReason { get; init; }

    /// <summary>Which site profile decided (site, version, threshold), or the shipped threshold; null for failures.</summary>
    public Sites.DecidingProfile? DecidedBy { get; init; }

    /// <summary>Pixel rows, columns, bits stored and photometric interpretation of the screened image (drift monitoring).</summary>
    public InputProperties? Input { get; init; }

    /// <summary>e.g. "alexnet@1.0.0+googlenet@1.0.0"; a change means stored results are stale.</summary>
    public string ModelVersion { get; init; } = "";

    public Heatmap? Heatmap { get; init; }

    public StageTimings? Timings { get; init; }

    /// <summary>Reading, sniffing, parsing and pixel decoding: the stage before <see cref="Timings"/>' preprocessing.</summary>
    public TimeSpan? IngestTime { get; init; }

    public TimeSpan Elapsed { get; init; }

    /// <summary>True when the result came from the store instead of being computed again.</summary>
    public bool FromStore { get; init; }
}

/// <summary>What the image looked like at the input: monitoring compares these over time per site.</summary>
public sealed record InputProperties(int Rows, int Columns, int BitsStored, string PhotometricInterpretation);

/// <summary>The single entry point for the CLI and the web.</summary>
public interface IScreeningPipeline
{
    string ModelVersion { get; }

    /// <summary>Screens one file. Never throws for bad input: failures come back as a status and error.</summary>
    ScreeningOutcome Screen(string path, CancellationToken cancellationToken = default);

    ScreeningOutcome Screen(Stream content, string sourceName, CancellationToken cancellationToken = default);
}

using System.Text.Json.Serialization;

namespace TbScreen.Audit;

/// <summary>Settings of one audit run; recorded in fairness.json so a run can be repeated exactly.</summary>
public sealed record AuditOptions(
    IReadOnlyList<SubgroupAttribute> Attributes,
    string AgeBands = TbScreen.Audit.AgeBands.Default,
    int MinimumGroupSize = 30,
    int BootstrapReplicates = 1000,
    int Seed = 1,
    double TargetSensitivity = 0.90);

/// <summary>Everything fairness.json holds.</summary>
public sealed record FairnessReport(
    string Notice,
    IReadOnlyList<string> DataCaveats,
    string OperatingPoint,
    int N,
    int Positives,
    IReadOnlyList<string> Attributes,
    string AgeBands,
    int MinimumGroupSize,
    int BootstrapReplicates,
    int Seed,
    IReadOnlyList<GroupMetrics> Groups,
    IReadOnlyList<GapMetrics> Gaps,
    IReadOnlyList<GroupThreshold> Thresholds,
    IReadOnlyList<SkippedIntersection> SkippedIntersections)
{
    /// <summary>The dashboard contract (<see cref="ReportTable"/>), serialised at the top level of fairness.json.</summary>
    [JsonPropertyOrder(-3)]
    public IReadOnlyList<ReportTable> Tables => FairnessTables.For(this);

    [JsonPropertyOrder(-2)]
    public string Summary => FairnessTables.Summary(this);

    /// <summary>The DICOM PS3.15 statement (<see cref="ExportNotices.Fairness"/>).</summary>
    public string Deidentification => ExportNotices.Fairness;

    /// <summary>Version of the audited model or ensemble, when known.</summary>
    [JsonPropertyOrder(-1)]
    public string? ModelVersion { get; init; }

    /// <summary>SHA-256 of each audited bundle's model.onnx by bundle name, when the audit screened the images itself;
    /// ties the report to the exact weights (a test checks the shipped reports against the shipped models).</summary>
    public IReadOnlyDictionary<string, string>? ModelHashes { get; init; }
}

/// <summary>n and prevalence per group, for a demographics file without images (--demographics-only).</summary>
public sealed record GroupComposition(string Attribute, string Value, int N, int Positives, double Prevalence, bool SmallGroup);

public sealed record CompositionReport(string Notice, int N, IReadOnlyList<GroupComposition> Groups, IReadOnlyList<SkippedIntersection> SkippedIntersections)
{
    public string Deidentification => ExportNotices.Fairness;

    [JsonPropertyOrder(-2)]
    public IReadOnlyList<ReportTable> Tables => FairnessTables.For(this);

    [JsonPropertyOrder(-1)]
    public string Summary => $"{N} labelled cases in {Groups.Count} groups (composition only: no images, no scores).";
}

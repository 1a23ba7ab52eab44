using System.Text.Json;

namespace TbScreen.Web.Reports;

/// <summary>One table of a report JSON: pre-formatted cells (the report contract, docs/dashboard.md).</summary>
public sealed record ReportTable(string Title, IReadOnlyList<string> Columns, IReadOnlyList<IReadOnlyList<string>> Rows);

/// <summary>
/// A pruning, robustness or fairness report: its tables, optional summary and model version, the SVG plots in its
/// folder and the files offered for download. Paths are relative to the models folder, with '/'.
/// </summary>
public sealed record ReportDocument(
    string Kind,
    string Owner,
    string Path,
    string? Summary,
    string? ModelVersion,
    IReadOnlyList<ReportTable> Tables,
    IReadOnlyList<string> Plots,
    IReadOnlyList<string> Downloads,
    string? Error);

/// <summary>A model bundle (a folder of models/ with metadata.json) as the Models page shows it.</summary>
public sealed record BundleCard(
    string Name,
    string? Version,
    string? CardHtml,
    JsonElement? Metadata,
    IReadOnlyList<string> Plots,
    string? Error)
{
    public const string Classification = "classification";
    public const string Segmentation = "segmentation";

    /// <summary>metadata.json's "task" ("segmentation" for models/lungs); classifier bundles have none.</summary>
    public string Task => Metadata is { ValueKind: JsonValueKind.Object } m && m.TryGetProperty("task", out var t)
        && t.ValueKind == JsonValueKind.String && t.GetString() is { Length: > 0 } task ? task : Classification;
}

public static class ReportKinds
{
    public const string Pruning = "pruning";
    public const string Robustness = "robustness";
    public const string Fairness = "fairness";
}

using TbScreen.Inference;
using System.Text.Json;
using TbScreen.Audit;

namespace TbScreen.Training.Experiments;

/// <summary>The dashboard envelope every audit JSON shares: `tables`, `summary`, `modelVersion`, then the report itself.</summary>
public sealed record AuditDocument<T>(IReadOnlyList<ReportTable> Tables, string? Summary, string? ModelVersion, T Report);

public static class AuditDocuments
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public static void Write<T>(string path, IReadOnlyList<ReportTable> tables, string? summary, string? modelVersion, T report) =>
        OutputFiles.Write(path, JsonSerializer.SerializeToUtf8Bytes(new AuditDocument<T>(tables, summary, modelVersion, report), Json));
}

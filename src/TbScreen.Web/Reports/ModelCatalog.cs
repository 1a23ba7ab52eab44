using System.Text.Json;
using Markdig;
using Markdig.Extensions.Tables;
using Markdig.Renderers.Html;
using Markdig.Syntax;
using Markdig.Syntax.Inlines;
using Microsoft.Extensions.Options;
using TbScreen.Inference.Bundles;
using TbScreen.Inference.Ensembles;
using TbScreen.Web.Configuration;

namespace TbScreen.Web.Reports;

/// <summary>
/// What the models folder holds for people to read: bundles (folders with metadata.json) with their model card, the
/// ensemble and evaluation files, and the pruning, robustness and fairness reports. Read from disk on every call
/// (a few small files) so a report written while the host runs shows up. Only files this catalog lists may be
/// downloaded (<see cref="IsKnownFile"/>): never model weights, split lists or anything outside the folder.
/// </summary>
public sealed class ModelCatalog(IOptions<TbScreenOptions> options)
{
    public const string EvaluationFolder = "evaluation";
    public const string FairnessFolder = "fairness";

    private static readonly string[] ReportExtensions = [".json", ".svg", ".csv", ".html", ".md"];

    // Raw HTML off: a model card is text, never markup or script.
    private static readonly MarkdownPipeline Markdown = new MarkdownPipelineBuilder().UsePipeTables().DisableHtml().Build();

    public string Root => options.Value.Models;

    public IReadOnlyList<BundleCard> Bundles()
    {
        if (!Directory.Exists(Root))
        {
            return [];
        }

        return Directory.EnumerateDirectories(Root)
            .Where(d => File.Exists(Path.Combine(d, "metadata.json")))
            .OrderBy(d => d, StringComparer.Ordinal)
            .Select(ReadBundle)
            .ToList();
    }

    /// <summary>The ensemble definition the host serves: TbScreen:Ensemble, or ensemble.json.</summary>
    public string EnsembleFile => string.IsNullOrWhiteSpace(options.Value.Ensemble) ? "ensemble.json" : options.Value.Ensemble;

    /// <summary>
    /// The served ensemble definition as written (its threshold record, test-time views, ...), read once per call;
    /// null when unreadable.
    /// </summary>
    public EnsembleDefinition? ServedDefinition()
    {
        try
        {
            return JsonSerializer.Deserialize<EnsembleDefinition>(File.ReadAllText(Path.Combine(Root, EnsembleFile)), BundleJson.Options);
        }
        catch (Exception e) when (e is IOException or JsonException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>The site's operating threshold on the ensemble probability (the served ensemble definition), if readable.</summary>
    public double? EnsembleThreshold()
    {
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(Root, EnsembleFile)));
            return doc.RootElement.TryGetProperty("threshold", out var t) && t.ValueKind == JsonValueKind.Number ? t.GetDouble() : null;
        }
        catch (Exception e) when (e is IOException or JsonException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>Each bundle's operating threshold (metadata.json thresholds.operatingValue).</summary>
    public IReadOnlyDictionary<string, double> MemberThresholds() => Bundles()
        .Where(b => b.Metadata is { } m && m.TryGetProperty("thresholds", out var t) && t.TryGetProperty("operatingValue", out var v) && v.ValueKind == JsonValueKind.Number)
        .ToDictionary(b => b.Name, b => b.Metadata!.Value.GetProperty("thresholds").GetProperty("operatingValue").GetDouble(), StringComparer.Ordinal);

    /// <summary>Pretty JSON of a file relative to the models folder, or null when absent.</summary>
    public string? JsonFile(string relative)
    {
        string path = Path.Combine(Root, relative);
        if (!File.Exists(path))
        {
            return null;
        }

        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(path));
            return JsonSerializer.Serialize(doc.RootElement, new JsonSerializerOptions { WriteIndented = true });
        }
        catch (JsonException e)
        {
            return $"{relative}: not valid JSON ({e.Message})";
        }
    }

    /// <summary>SVG plots of a folder relative to the models folder ("" for the root).</summary>
    public IReadOnlyList<string> Plots(string folder) => FilesIn(folder, ".svg");

    /// <summary>
    /// Every report that exists: per bundle pruning.json and robustness.json; the ensembles' robustness.json in
    /// evaluation/ and its subfolders (one per ensemble definition); and every report JSON of fairness/ (the audit,
    /// the bias experiment, the shortcut probe, site fine-tuning).
    /// </summary>
    public IReadOnlyList<ReportDocument> Reports()
    {
        var reports = new List<ReportDocument>();
        if (!Directory.Exists(Root))
        {
            return reports;
        }

        foreach (string bundle in BundleFolders())
        {
            foreach (string kind in new[] { ReportKinds.Pruning, ReportKinds.Robustness })
            {
                if (File.Exists(Path.Combine(Root, bundle, kind + ".json")))
                {
                    reports.Add(ReadReport(kind, bundle, $"{bundle}/{kind}.json", [$"{bundle}/{kind}.json"]));
                }
            }
        }

        foreach (string folder in EvaluationFolders())
        {
            if (File.Exists(Path.Combine(Root, folder, "robustness.json")))
            {
                string owner = folder == EvaluationFolder ? "ensemble" : Path.GetFileName(folder);
                reports.Add(ReadReport(ReportKinds.Robustness, owner, $"{folder}/robustness.json", [$"{folder}/robustness.json"]));
            }
        }

        if (File.Exists(Path.Combine(Root, FairnessFolder, "fairness.json")))
        {
            var downloads = FilesIn(FairnessFolder, ".json", ".html", ".csv");
            var files = FilesIn(FairnessFolder, ".json");
            // The audit first; its plots are the ones no other report of the folder claims.
            // Shorter names first, so bias-experiment.json claims its plots before bias-experiment-seed2.json.
            var others = files.Where(f => f != $"{FairnessFolder}/fairness.json")
                .OrderBy(f => f.Length).ThenBy(f => f, StringComparer.Ordinal).ToList();
            var claimed = new HashSet<string>(StringComparer.Ordinal);
            var extra = new List<ReportDocument>();
            foreach (string file in others)
            {
                string stem = Path.GetFileNameWithoutExtension(file);
                var report = ReadReport(FairnessKind(stem), stem, file, downloads, claimed);
                if (report.Tables.Count > 0 || report.Error is not null)
                {
                    extra.Add(report);
                }
            }

            reports.Add(ReadReport(ReportKinds.Fairness, FairnessFolder, $"{FairnessFolder}/fairness.json", downloads, claimed, leftovers: true));
            reports.AddRange(extra);
        }

        // Further audits, one per subfolder (fairness/shenzhen-test: the same audit on one hospital's test split).
        foreach (string folder in FairnessSubfolders())
        {
            reports.Add(ReadReport(ReportKinds.Fairness, folder, $"{folder}/fairness.json", FilesIn(folder, ".json", ".html", ".csv"), leftovers: true));
        }

        return reports;
    }

    /// <summary>"bias-experiment-seed2" and "bias-experiment" are the same kind of report, so the page compares them.</summary>
    private static string FairnessKind(string stem)
    {
        int seed = stem.LastIndexOf("-seed", StringComparison.Ordinal);
        return seed > 0 && stem[(seed + 5)..].All(char.IsAsciiDigit) ? stem[..seed] : stem;
    }

    /// <summary>Direct subfolders of fairness/ holding an audit (fairness.json), relative to the models folder.</summary>
    private IEnumerable<string> FairnessSubfolders()
    {
        string path = Path.Combine(Root, FairnessFolder);
        if (!Directory.Exists(path))
        {
            return [];
        }

        return Directory.EnumerateDirectories(path)
            .Where(d => new DirectoryInfo(d).LinkTarget is null && File.Exists(Path.Combine(d, "fairness.json")))
            .Select(d => $"{FairnessFolder}/{Path.GetFileName(d)}")
            .Order(StringComparer.Ordinal)
            .ToList();
    }

    private IEnumerable<string> BundleFolders() => Directory.EnumerateDirectories(Root)
        .Where(d => File.Exists(Path.Combine(d, "metadata.json")))
        .Select(d => Path.GetFileName(d)!)
        .Order(StringComparer.Ordinal);

    /// <summary>evaluation/ and its direct subfolders (e.g. evaluation/ensemble-pruned), relative to the models folder.</summary>
    private IEnumerable<string> EvaluationFolders()
    {
        string path = Path.Combine(Root, EvaluationFolder);
        if (!Directory.Exists(path))
        {
            return [];
        }

        return Directory.EnumerateDirectories(path)
            .Where(d => new DirectoryInfo(d).LinkTarget is null)
            .Select(d => $"{EvaluationFolder}/{Path.GetFileName(d)}")
            .Order(StringComparer.Ordinal)
            .Prepend(EvaluationFolder);
    }

    /// <summary>
    /// True only for report files the catalog shows: .json/.svg/.csv/.html/.md directly inside a bundle folder, the
    /// evaluation or fairness folder (or an audit subfolder of it), or an ensemble definition. The check is on the listing, not on string tricks with the path.
    /// </summary>
    public bool IsKnownFile(string relative, out string fullPath)
    {
        fullPath = "";
        if (string.IsNullOrWhiteSpace(relative) || relative.Contains('\\', StringComparison.Ordinal))
        {
            return false;
        }

        var known = KnownFiles();
        if (!known.Contains(relative))
        {
            return false;
        }

        fullPath = Path.Combine(Root, relative.Replace('/', Path.DirectorySeparatorChar));
        return true;
    }

    public HashSet<string> KnownFiles()
    {
        var known = new HashSet<string>(StringComparer.Ordinal);
        if (!Directory.Exists(Root))
        {
            return known;
        }

        // Every ensemble definition (ensemble.json, ensemble-pruned.json, the INT8 ones, any a site adds).
        foreach (string definition in FilesIn("", ".json").Where(f => f.StartsWith("ensemble", StringComparison.Ordinal)))
        {
            known.Add(definition);
        }

        var folders = BundleFolders().Concat(EvaluationFolders()).Append(FairnessFolder).Concat(FairnessSubfolders());
        foreach (string folder in folders)
        {
            foreach (string file in FilesIn(folder, ReportExtensions))
            {
                known.Add(file);
            }
        }

        return known;
    }

    public static string ContentType(string relative) => Path.GetExtension(relative).ToLowerInvariant() switch
    {
        ".svg" => "image/svg+xml",
        ".json" => "application/json",
        ".csv" => "text/csv; charset=utf-8",
        ".html" => "text/html; charset=utf-8",
        ".md" => "text/markdown; charset=utf-8",
        _ => "application/octet-stream",
    };

    internal static string RenderMarkdown(string markdown)
    {
        var document = Markdig.Markdown.Parse(markdown, Markdown);
        // Links keep http(s), mailto and relative targets; javascript:, data: and every other scheme become inert,
        // in explicit links and in autolinks (<javascript:...>) alike.
        foreach (var link in document.Descendants<LinkInline>())
        {
            if (!IsSafeLink(link.Url))
            {
                link.Url = "#";
            }
        }

        foreach (var link in document.Descendants<AutolinkInline>())
        {
            if (!IsSafeLink(link.Url))
            {
                link.Url = "#";
            }
        }

        AlignTableCellsByClass(document);
        return document.ToHtml(Markdown);
    }

    /// <summary>
    /// Pipe-table column alignment (|--:|) as a class on each cell (tb-align-left/center/right, styled by app.css)
    /// instead of Markdig's style attribute, which the dashboard's Content-Security-Policy (style-src 'self') refuses.
    /// </summary>
    private static void AlignTableCellsByClass(MarkdownDocument document)
    {
        foreach (var table in document.Descendants<Table>())
        {
            var columns = table.ColumnDefinitions;
            foreach (var row in table.OfType<TableRow>())
            {
                // A cell's column as Markdig's renderer finds it: its ColumnIndex when set, else its place in the row.
                var cells = row.OfType<TableCell>().ToList();
                for (int i = 0; i < cells.Count && columns.Count > 0; i++)
                {
                    int column = cells[i].ColumnIndex >= 0 && cells[i].ColumnIndex < columns.Count ? cells[i].ColumnIndex : Math.Min(i, columns.Count - 1);
                    if (columns[column].Alignment is { } alignment)
                    {
                        cells[i].GetAttributes().AddClass("tb-align-" + alignment.ToString().ToLowerInvariant());
                    }
                }
            }

            foreach (var column in columns)
            {
                column.Alignment = null;
            }
        }
    }

    /// <summary>
    /// True for http(s), mailto and relative targets. The scheme is read as a browser reads it: controls and
    /// whitespace removed ("java\tscript:" is javascript:), case ignored; a ':' after the first '/', '?' or '#' is
    /// part of a relative path, not a scheme.
    /// </summary>
    internal static bool IsSafeLink(string? url)
    {
        string cleaned = new((url ?? "").Where(c => !char.IsControl(c) && !char.IsWhiteSpace(c)).ToArray());
        int colon = cleaned.IndexOf(':', StringComparison.Ordinal);
        int pathStart = cleaned.IndexOfAny(['/', '?', '#']);
        if (colon < 0 || (pathStart >= 0 && pathStart < colon))
        {
            return true;
        }

        string scheme = cleaned[..colon].ToLowerInvariant();
        return scheme is "http" or "https" or "mailto";
    }

    private BundleCard ReadBundle(string folder)
    {
        string name = Path.GetFileName(folder);
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "metadata.json")));
            var metadata = doc.RootElement.Clone();
            string? version = metadata.TryGetProperty("version", out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
            string readme = Path.Combine(folder, "README.md");
            string? card = File.Exists(readme) ? RenderMarkdown(File.ReadAllText(readme)) : null;
            return new BundleCard(name, version, card, metadata, FilesIn(name, ".svg"), null);
        }
        catch (Exception e) when (e is IOException or JsonException)
        {
            return new BundleCard(name, null, null, null, [], $"{name}/metadata.json: {e.Message}");
        }
    }

    /// <summary>
    /// Reads a report. Its plots are the SVGs of its folder named after it ("robustness-*.svg" for robustness.json,
    /// "bias-*.svg" for bias-experiment.json), so reports sharing a folder do not show each other's plots; with
    /// <paramref name="leftovers"/> it takes every plot of the folder that no other report claimed.
    /// </summary>
    private ReportDocument ReadReport(string kind, string owner, string relative, IReadOnlyList<string> downloads, HashSet<string>? claimed = null, bool leftovers = false)
    {
        string folder = Path.GetDirectoryName(relative)!.Replace('\\', '/');
        string prefix = Path.GetFileNameWithoutExtension(relative).Split('-')[0];
        var plots = FilesIn(folder, ".svg")
            .Where(p => leftovers
                ? claimed is null || !claimed.Contains(p)
                : Path.GetFileName(p).StartsWith(prefix, StringComparison.Ordinal) && (claimed is null || claimed.Add(p)))
            .ToList();
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(Root, relative)));
            var root = doc.RootElement;
            string? summary = Str(root, "summary");
            string? version = Str(root, "modelVersion");
            var tables = new List<ReportTable>();
            if (root.TryGetProperty("tables", out var t) && t.ValueKind == JsonValueKind.Array)
            {
                tables.AddRange(t.EnumerateArray().Select(ReadTable));
            }

            return new ReportDocument(kind, owner, relative, summary, version, tables, plots, downloads, null);
        }
        catch (Exception e) when (e is IOException or JsonException or InvalidOperationException)
        {
            return new ReportDocument(kind, owner, relative, null, null, [], plots, downloads, $"{relative}: not a readable report ({e.Message})");
        }
    }

    private static ReportTable ReadTable(JsonElement table)
    {
        string title = Str(table, "title") ?? "";
        var columns = table.TryGetProperty("columns", out var c) && c.ValueKind == JsonValueKind.Array
            ? c.EnumerateArray().Select(Cell).ToList()
            : [];
        var rows = table.TryGetProperty("rows", out var r) && r.ValueKind == JsonValueKind.Array
            ? r.EnumerateArray().Where(row => row.ValueKind == JsonValueKind.Array).Select(row => (IReadOnlyList<string>)row.EnumerateArray().Select(Cell).ToList()).ToList()
            : [];
        return new ReportTable(title, columns, rows);
    }

    /// <summary>Cells are strings by contract; numbers and others are shown as their JSON text rather than dropped.</summary>
    private static string Cell(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.String => e.GetString() ?? "",
        JsonValueKind.Null => "",
        _ => e.GetRawText(),
    };

    private static string? Str(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var p) && p.ValueKind == JsonValueKind.String ? p.GetString() : null;

    private IReadOnlyList<string> FilesIn(string folder, params string[] extensions)
    {
        string path = Path.Combine(Root, folder);
        if (!Directory.Exists(path))
        {
            return [];
        }

        return Directory.EnumerateFiles(path)
            .Where(f => extensions.Contains(Path.GetExtension(f).ToLowerInvariant()) && !Path.GetFileName(f).StartsWith('.'))
            // A link could point anywhere on disk: only regular files are offered.
            .Where(f => new FileInfo(f).LinkTarget is null)
            .Select(f => (folder.Length == 0 ? "" : folder + "/") + Path.GetFileName(f))
            .Order(StringComparer.Ordinal)
            .ToList();
    }
}

using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using TbScreen.Inference.Bundles;
using TbScreen.Inference.Ensembles;
using TbScreen.Inference.Evaluation;
using TbScreen.Inference.Metrics;
using TbScreen.Inference.Runtime;

namespace TbScreen.Training.Robustness;

/// <summary>What `tbscreen robustness` was asked to do.</summary>
public sealed record RobustnessRequest
{
    public required string ModelsDirectory { get; init; }

    public required string Manifest { get; init; }

    public required IReadOnlyList<ManifestRow> Rows { get; init; }

    public string? Split { get; init; }

    public string? SplitFile { get; init; }

    /// <summary>Bundle folder names under <see cref="ModelsDirectory"/>; empty = every folder with a metadata.json.</summary>
    public IReadOnlyList<string> Bundles { get; init; } = [];

    /// <summary>Ensemble definition files under <see cref="ModelsDirectory"/>; empty = every ensemble*.json whose members all ran.</summary>
    public IReadOnlyList<string> Ensembles { get; init; } = [];

    public IReadOnlyDictionary<string, string> Checkpoints { get; init; } = new Dictionary<string, string>();

    /// <summary>Evaluate only these targets (bundle or ensemble names); the bundles an ensemble needs are still loaded. Empty = all.</summary>
    public IReadOnlyList<string> Only { get; init; } = [];

    /// <summary>An earlier run's output folder: dense reports there pair with pruned targets here.</summary>
    public string? Baseline { get; init; }

    public required string OutputDirectory { get; init; }

    public required RobustnessOptions Options { get; init; }
}

/// <summary>Runs every target (each bundle, each ensemble) and writes &lt;out&gt;/&lt;target&gt;/robustness.json and its plots.</summary>
public static class RobustnessSuite
{
    public const string ReportFileName = "robustness.json";
    public const string PrunedSuffix = "-pruned";

    public static IReadOnlyList<RobustnessReport> Run(RobustnessRequest request, Action<string> progress)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(progress);
        var options = request.Options;
        options.Validate();
        TorchSharp.torch.set_num_threads(options.Threads);
        var rows = options.Limit is int limit ? Interleaved(request.Rows, limit) : request.Rows;
        var bundleDirs = BundleDirectories(request);
        var inference = new InferenceOptions { IntraOpThreads = options.Threads };

        // Preprocess with the first bundle's contract; every other bundle must share it (the attacks live in one image space).
        var firstContract = ModelBundle.ReadMetadata(bundleDirs[0]).Input!;
        progress($"preprocessing {rows.Count} images");
        var data = RobustnessData.Load(rows, firstContract, options.Threads);
        foreach (var failure in data.Failures)
        {
            progress($"skipped {failure}");
        }

        if (data.Count < 2 || data.Labels.All(l => l) || data.Labels.All(l => !l))
        {
            throw new RobustnessException(request.Manifest, $"needs images of both classes; {data.Count} readable ({data.Labels.Count(l => l)} TB)");
        }

        var parityPlanes = data.Planes.Take(options.ParityImages).ToArray();
        var loaded = new List<LoadedBundle>();
        var reports = new List<RobustnessReport>();
        try
        {
            foreach (string dir in bundleDirs)
            {
                var bundle = BundleTargets.Load(dir, request.Checkpoints, parityPlanes, options.ParityTolerance, inference);
                loaded.Add(bundle);
                if (bundle.Contract with { Channels = 1 } != firstContract with { Channels = 1 })
                {
                    throw new RobustnessException(Path.Combine(dir, ModelBundle.MetadataFileName), $"input contract differs from {bundleDirs[0]}'s; run them separately");
                }

                progress($"{bundle.Name}: {bundle.Proof.Checkpoint} matches {bundle.Proof.Onnx} (max |dP| {bundle.Proof.ParityMaxDifference:G3} on {bundle.Proof.ParityImages} images)");
            }

            var corruptions = new CorruptionScoring(data, options.Seed, progress);
            var attacked = options.AttackLimit is int attackLimit && attackLimit < data.Count ? data.BalancedSubset(attackLimit) : data;

            var summary = new DataSummary(Path.GetFullPath(request.Manifest), request.Split, request.SplitFile, data.Count, data.Labels.Count(l => l), data.Labels.Count(l => !l),
                attacked.Count, attacked.Labels.Count(l => l), data.Failures);
            bool Wanted(string name) => request.Only.Count == 0 || request.Only.Contains(name);
            foreach (var bundle in loaded.Where(b => Wanted(b.Name)))
            {
                var clock = Stopwatch.StartNew();
                var clean = RobustnessEvaluator.Clean(corruptions.Clean(bundle), data.Labels, bundle.Target.Threshold, "onnxruntime");
                progress($"{bundle.Name}: clean AUC {clean.Auc:F4}, accuracy {clean.Accuracy:F3} on {data.Count} images (ONNX Runtime)");
                var journal = options.Attacks ? OpenJournal(request.OutputDirectory, bundle.Target, [bundle.Proof], attacked, options) : null;
                var results = journal is null ? null : RobustnessEvaluator.Run(bundle.Target, attacked, options, progress, journal);
                var corrupted = options.Corruptions ? corruptions.ForBundle(bundle) : [];
                var report = Assemble(bundle.Name, "net", [bundle.Proof], bundle.Target.Threshold, summary, clean, results, corrupted, clock.Elapsed);
                reports.Add(Write(Finish(Merge(report, request.OutputDirectory, options), reports, request.Baseline, LineageSourceSha256(bundle.Bundle.Directory)), request.OutputDirectory));
                journal?.Complete();
                progress($"{bundle.Name}: done in {clock.Elapsed.TotalMinutes:F1} min");
            }

            foreach (var (name, definition) in EnsembleDefinitions(request, loaded).Where(e => Wanted(e.Name)))
            {
                var members = definition.Members.Select(m => loaded.Single(b => b.Name == m.Bundle)).ToArray();
                double[] weights = definition.Rule == EnsembleDefinition.WeightedRule ? definition.Members.Select(m => m.Weight).ToArray() : members.Select(_ => 1.0).ToArray();
                var target = new EnsembleTarget(name, members.Select(m => m.Target).ToArray(), weights, definition.Threshold);
                var clock = Stopwatch.StartNew();
                var clean = RobustnessEvaluator.Clean(corruptions.Clean(definition, members), data.Labels, definition.Threshold, "onnxruntime");
                progress($"{name}: clean AUC {clean.Auc:F4}, accuracy {clean.Accuracy:F3} on {data.Count} images (ONNX Runtime)");
                var proofs = members.Select(m => m.Proof).ToArray();
                var journal = options.Attacks ? OpenJournal(request.OutputDirectory, target, proofs, attacked, options) : null;
                var results = journal is null ? null : RobustnessEvaluator.Run(target, attacked, options, progress, journal);
                var corrupted = options.Corruptions ? corruptions.ForEnsemble(definition, members) : [];
                var report = Assemble(name, "ensemble", proofs, definition.Threshold, summary, clean, results, corrupted, clock.Elapsed);
                reports.Add(Write(Finish(Merge(report, request.OutputDirectory, options), reports, request.Baseline), request.OutputDirectory));
                journal?.Complete();
                progress($"{name}: done in {clock.Elapsed.TotalMinutes:F1} min");
            }
        }
        finally
        {
            loaded.ForEach(b => b.Dispose());
        }

        return reports;
    }

    /// <summary>
    /// &lt;out&gt;/&lt;target&gt;/attacks.journal.jsonl, keyed by the target, its checkpoints (and weights, for an ensemble),
    /// the attacked images and every attack setting, so a rerun of the same command resumes where it stopped.
    /// </summary>
    private static AttackJournal OpenJournal(string outputDirectory, IAttackTarget target, IReadOnlyList<CheckpointProof> proofs, RobustnessData attacked, RobustnessOptions options)
    {
        string identity = target.Name + ":" + string.Join(",", proofs.Select(p => p.CheckpointSha256 + "/" + p.OnnxSha256))
            + (target is EnsembleTarget ensemble ? ":" + string.Join(",", ensemble.LogWeights.Select(w => w.ToString("R", CultureInfo.InvariantCulture))) : "")
            + ":" + target.Threshold.ToString("R", CultureInfo.InvariantCulture);
        var outputs = RobustnessEvaluator.OutputsFor(target, options).Select(RobustnessEvaluator.Name);
        return AttackJournal.Open(Path.Combine(outputDirectory, target.Name, AttackJournal.FileName), AttackJournal.FingerprintOf(identity, attacked.Files, options, outputs));
    }

    /// <summary>The first N rows taken alternately from each class, so a smoke run still has both (manifests are often sorted by label).</summary>
    public static IReadOnlyList<ManifestRow> Interleaved(IReadOnlyList<ManifestRow> rows, int count)
    {
        var tb = rows.Where(r => r.IsTb).ToArray();
        var other = rows.Where(r => !r.IsTb).ToArray();
        var picked = new List<ManifestRow>(count);
        for (int i = 0; picked.Count < count && (i < tb.Length || i < other.Length); i++)
        {
            if (i < other.Length)
            {
                picked.Add(other[i]);
            }

            if (i < tb.Length && picked.Count < count)
            {
                picked.Add(tb[i]);
            }
        }

        return picked;
    }

    private static IReadOnlyList<string> BundleDirectories(RobustnessRequest request)
    {
        var names = request.Bundles.Count > 0
            ? request.Bundles
            : Directory.EnumerateDirectories(request.ModelsDirectory)
                .Where(d => File.Exists(Path.Combine(d, ModelBundle.MetadataFileName)))
                .Where(d => !BundleTasks.IsSegmentation(d)) // models/lungs is not a classifier to attack
                .Select(Path.GetFileName).Select(n => n!).Order(StringComparer.Ordinal).ToArray();
        if (names.Count == 0)
        {
            throw new RobustnessException(request.ModelsDirectory, "holds no model bundle (no */metadata.json)");
        }

        return names.Select(n => Path.Combine(request.ModelsDirectory, n)).ToArray();
    }

    private static IEnumerable<(string Name, EnsembleDefinition Definition)> EnsembleDefinitions(RobustnessRequest request, IReadOnlyList<LoadedBundle> loaded)
    {
        bool explicitList = request.Ensembles.Count > 0;
        var files = explicitList
            ? request.Ensembles.Select(f => Path.Combine(request.ModelsDirectory, f)).ToArray()
            : Directory.EnumerateFiles(request.ModelsDirectory, "ensemble*.json").Order(StringComparer.Ordinal).ToArray();
        foreach (string file in files)
        {
            var definition = BundleTargets.LoadEnsemble(file);
            var missing = definition.Members.Where(m => loaded.All(b => b.Name != m.Bundle)).Select(m => m.Bundle).ToArray();
            if (missing.Length > 0)
            {
                if (explicitList)
                {
                    throw new RobustnessException(file, $"members {string.Join(", ", missing)} are not among the bundles of this run");
                }

                continue;
            }

            // Found by the folder scan, a definition with test-time views is passed over; named, it is refused.
            if (definition.TestTimeAugmentation is not null && !explicitList)
            {
                continue;
            }

            BundleTargets.RefuseTestTimeViews(file, definition);

            yield return (Path.GetFileNameWithoutExtension(file), definition);
        }
    }

    private static RobustnessReport Assemble(string name, string kind, IReadOnlyList<CheckpointProof> proofs, double threshold, DataSummary data, CleanMetrics clean, AttackResults? results, IReadOnlyList<CorruptionResult> corruptions, TimeSpan elapsed) => new()
    {
        Target = name,
        Kind = kind,
        Checkpoints = proofs,
        Threshold = threshold,
        Data = results is null ? data with { AttackedImages = 0, AttackedTb = 0 } : data,
        Settings = results?.Settings,
        Clean = clean,
        AttackedClean = results?.AttackedClean,
        Attacks = results?.Attacks ?? [],
        Lipschitz = results?.Lipschitz ?? [],
        Corruptions = corruptions,
        PerImage = results?.PerImage,
        ElapsedSeconds = elapsed.TotalSeconds,
    };

    /// <summary>
    /// A run without attacks (or without corruptions) keeps those parts of the report already in the output folder, so
    /// the slow attacks and the corruptions can run as separate processes into one report.
    /// </summary>
    private static RobustnessReport Merge(RobustnessReport report, string outputDirectory, RobustnessOptions options)
    {
        string path = Path.Combine(outputDirectory, report.Target, ReportFileName);
        if ((options.Attacks && options.Corruptions) || !File.Exists(path))
        {
            return report;
        }

        var existing = Read(path);
        if (!options.Attacks && existing.Attacks.Count > 0)
        {
            // Reports written before AttackedClean existed: rebuild it from the per-image clean scores.
            var attackedClean = existing.AttackedClean ?? (existing.PerImage is { } perImage
                ? RobustnessEvaluator.Clean(perImage.CleanTbProbability, perImage.Labels, existing.Threshold, "torchsharp, attacked images")
                : null);
            report = report with
            {
                Settings = existing.Settings, AttackedClean = attackedClean, Attacks = existing.Attacks, Lipschitz = existing.Lipschitz, PerImage = existing.PerImage,
                Data = report.Data with { AttackedImages = existing.Data.AttackedImages, AttackedTb = existing.Data.AttackedTb },
                ElapsedSeconds = report.ElapsedSeconds + existing.ElapsedSeconds,
            };
        }

        if (!options.Corruptions && existing.Corruptions.Count > 0)
        {
            report = report with { Corruptions = existing.Corruptions, ElapsedSeconds = report.ElapsedSeconds + existing.ElapsedSeconds };
        }

        return report;
    }

    /// <summary>
    /// Adds the pruned-vs-dense comparison when the dense source is known (a report of this run or of --baseline whose
    /// checkpoint hash is the bundle's lineage.sourceSha256, else the name without "-pruned"), then the tables.
    /// </summary>
    private static RobustnessReport Finish(RobustnessReport report, IReadOnlyList<RobustnessReport> earlier, string? baseline, string? sourceSha256 = null)
    {
        if (report.Target.EndsWith(PrunedSuffix, StringComparison.Ordinal) || sourceSha256 is not null)
        {
            string denseName = report.Target.EndsWith(PrunedSuffix, StringComparison.Ordinal) ? report.Target[..^PrunedSuffix.Length] : report.Target;
            var candidates = earlier.Concat(BaselineReports(baseline)).Where(r => r.PerImage is not null && !r.Target.EndsWith(PrunedSuffix, StringComparison.Ordinal)).ToArray();
            var dense = (sourceSha256 is null ? null : candidates.FirstOrDefault(r => r.Kind == "net" && r.Checkpoints.Any(c => string.Equals(c.CheckpointSha256, sourceSha256, StringComparison.OrdinalIgnoreCase))))
                ?? candidates.FirstOrDefault(r => r.Target == denseName);
            if (dense is not null && PruningComparisons.Compare(dense, report) is { } comparison)
            {
                report = report with { PruningComparison = comparison };
            }
        }

        report = report with { Lipschitz = WithRelationToRobustness(report) };
        return report with { Tables = RobustnessTables.Build(report), Plots = RobustnessFiles.PlotNames(report) };
    }

    /// <summary>
    /// Adds to each Lipschitz row how well the per-image constant separates not-robust from robust images (computed from
    /// the per-image values, so reports written before this existed gain it on a --no-attacks --no-corruptions pass).
    /// </summary>
    internal static IReadOnlyList<LipschitzResult> WithRelationToRobustness(RobustnessReport report)
    {
        if (report.PerImage is not { } perImage)
        {
            return report.Lipschitz;
        }

        return report.Lipschitz.Select(row =>
        {
            var atEps = perImage.ByEpsilon.FirstOrDefault(p => p.Epsilon == row.Epsilon);
            if (atEps is null || !atEps.Lipschitz.TryGetValue(row.Output, out var values) || values.Count != atEps.PgdRobust.Count)
            {
                return row;
            }

            var notRobust = atEps.PgdRobust.Select(r => !r).ToArray();
            if (notRobust.All(n => n) || notRobust.All(n => !n))
            {
                return row with { NotRobustAuc = null, NotRobustAucCi = null };
            }

            var estimate = DeLong.Estimate(new ScoredCases(values, notRobust));
            return row with
            {
                NotRobustAuc = estimate.Auc,
                NotRobustAucCi = estimate.CiLow is double low && estimate.CiHigh is double high ? [low, high] : null,
            };
        }).ToArray();
    }

    private static IEnumerable<RobustnessReport> BaselineReports(string? baseline) =>
        baseline is null || !Directory.Exists(baseline)
            ? []
            : Directory.EnumerateDirectories(baseline).Select(d => Path.Combine(d, ReportFileName)).Where(File.Exists).Select(Read);

    /// <summary>lineage.sourceSha256 of a derived (e.g. pruned) bundle, read without depending on the metadata schema's optional fields.</summary>
    private static string? LineageSourceSha256(string bundleDirectory)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(Path.Combine(bundleDirectory, ModelBundle.MetadataFileName)));
        return document.RootElement.TryGetProperty("lineage", out var lineage) && lineage.ValueKind == JsonValueKind.Object
            && lineage.TryGetProperty("sourceSha256", out var sha) && sha.ValueKind == JsonValueKind.String ? sha.GetString() : null;
    }

    public static RobustnessReport Read(string path)
    {
        try
        {
            return JsonSerializer.Deserialize<RobustnessReport>(File.ReadAllText(path), BundleJson.Options)
                ?? throw new RobustnessException(path, "is null");
        }
        catch (JsonException e)
        {
            throw new RobustnessException(path, $"not a robustness report: {e.Message}", e);
        }
    }

    private static RobustnessReport Write(RobustnessReport report, string outputDirectory)
    {
        RobustnessFiles.Write(report, Path.Combine(outputDirectory, report.Target));
        return report;
    }
}

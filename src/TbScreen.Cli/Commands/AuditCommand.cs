using System.CommandLine;
using TbScreen.Audit;
using TbScreen.Inference.Evaluation;

namespace TbScreen.Cli.Commands;

/// <summary>
/// `tbscreen audit (--data MANIFEST | --scores predictions.csv [--data MANIFEST]) --by sex,age,site,manufacturer --out DIR`:
/// per-subgroup metrics, gaps and thresholds as fairness.json, groups/gaps/thresholds.csv and report.html (docs/fairness.md).
/// </summary>
public static class AuditCommand
{
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var data = new Option<string?>("--data") { Description = "Manifest (file,label,sex,age,source[,manufacturer]) or a dataset folder as distributed (NLM, TBX11K, <label>/*); screened with the ensemble unless --scores is given, else joined by file for the attributes." };
        var scores = new Option<string?>("--scores") { Description = "predictions.csv from `tbscreen evaluate`: audit these scores instead of re-screening." };
        var output = new Option<string>("--out", "-o") { Description = "Folder for fairness.json, the CSV tables and report.html.", Required = true };
        var by = new Option<string>("--by") { Description = "Attributes to group by: sex, age, site, manufacturer.", DefaultValueFactory = _ => "sex,age,site,manufacturer" };
        var ageBands = new Option<string>("--age-bands") { Description = "Age bands.", DefaultValueFactory = _ => AgeBands.Default };
        var minGroup = new Option<int>("--min-group") { Description = "Groups smaller than this are flagged; intersections need it in every cell.", DefaultValueFactory = _ => 30 };
        var bootstrap = new Option<int>("--bootstrap") { Description = "Bootstrap replicates for the CIs.", DefaultValueFactory = _ => 1000 };
        var seed = new Option<int>("--seed") { Description = "Bootstrap seed.", DefaultValueFactory = _ => 1 };
        var target = new Option<double>("--target-sensitivity") { Description = "Per-group threshold analysis target.", DefaultValueFactory = _ => 0.90 };
        var demographicsOnly = new Option<bool>("--demographics-only") { Description = "--data is a labelled demographics file without images: report group composition (n, prevalence) only." };
        var split = new Option<string?>("--split") { Description = "Screen only this split of --data." };
        var splitFile = new Option<string?>("--split-file") { Description = "CSV file,split for --split." };
        var batch = new Option<int>("--batch") { Description = "Images per ONNX Runtime batch (fewer when they hold over 32 megapixels together).", DefaultValueFactory = _ => 8 };
        var models = new EnsembleCliOptions();
        var command = new Command("audit", "Fairness audit across subgroups (sex, age band, site, scanner): per-group metrics, gaps with CIs and detectable differences, per-group thresholds. Research use only.")
        {
            data, scores, output, by, ageBands, minGroup, bootstrap, seed, target, demographicsOnly, split, splitFile, batch,
        };
        models.AddTo(command);
        command.Subcommands.Add(BiasExperimentCommand.Create(stdout, stderr));
        command.Subcommands.Add(ProbeCommand.Create(stdout, stderr));
        command.Subcommands.Add(SiteFinetuneCommand.Create(stdout, stderr));
        command.Validators.Add(result =>
        {
            if (result.GetValue(data) is null && result.GetValue(scores) is null)
            {
                result.AddError("audit needs --data MANIFEST or --scores predictions.csv.");
            }

            if (result.GetValue(demographicsOnly) && result.GetValue(data) is null)
            {
                result.AddError("--demographics-only needs --data (the demographics file).");
            }
        });
        command.SetAction(result => ExitCodes.Guard(stderr, () =>
        {
            AuditOptions options;
            try
            {
                string bands = result.GetValue(ageBands)!;
                AgeBands.Parse(bands);
                options = new AuditOptions(SubgroupAttributes.Parse(result.GetValue(by)!), bands,
                    Positive(result.GetValue(minGroup), "--min-group"), Math.Max(10, result.GetValue(bootstrap)), result.GetValue(seed), result.GetValue(target));
            }
            catch (FormatException e)
            {
                stderr.WriteLine($"tbscreen: {e.Message}");
                return ExitCodes.Usage;
            }

            string outDir = result.GetValue(output)!;
            string? manifest = result.GetValue(data) is string d ? (Directory.Exists(d) ? d : InputFiles.Require(d)) : null;
            if (result.GetValue(demographicsOnly))
            {
                var composition = FairnessAudit.Composition(CaseTables.Unscored(CaseTables.ReadAttributes(manifest!), manifest!), options);
                AuditOutputs.WriteComposition(outDir, composition);
                stdout.WriteLine($"composition of {composition.N} cases in {composition.Groups.Count} groups (no scores: demographics only); wrote {Path.Combine(outDir, AuditOutputs.JsonFileName)}");
                return ExitCodes.Success;
            }

            IReadOnlyList<AuditCase> cases;
            int failed = 0;
            string? modelVersion = null;
            IReadOnlyDictionary<string, string>? modelHashes = null;
            if (result.GetValue(scores) is string scoreFile)
            {
                cases = CaseTables.ReadPredictions(InputFiles.Require(scoreFile));
            }
            else
            {
                RequireImageColumn(manifest!);
                var rows = ManifestReader.Read(manifest!);
                if (result.GetValue(split) is string name)
                {
                    rows = ManifestReader.Filter(rows, name, result.GetValue(splitFile), manifest!);
                }

                using var ensemble = models.Load(result, stderr);
                modelVersion = "ensemble of " + string.Join(" + ", ensemble.Members.Select(m => $"{m.Name} {m.Bundle.Metadata.Version}"));
                modelHashes = ensemble.Members.ToDictionary(m => m.Name, m => m.Bundle.Metadata.OnnxSha256);
                var (screened, failures) = EvaluationRun.Screen(ensemble, rows, Math.Clamp(result.GetValue(batch), 1, 256), stderr);
                failed = failures.Count;
                cases = screened.Select(c => new AuditCase(c.File, c.IsTb, c.Decision.Probability, c.Decision.IsTb, c.Source)).ToList();
            }

            var notes = new List<string>();
            if (manifest is not null)
            {
                cases = CaseTables.Join(cases, CaseTables.ReadAttributes(manifest));
                var (enriched, dicomFiles) = DicomAttributes.Enrich(cases, ManifestSet.PartRoot(manifest));
                cases = enriched;
                if (dicomFiles > 0)
                {
                    notes.Add($"Attributes missing from the manifest were read from the DICOM headers of {dicomFiles} of {cases.Count} images (manifest columns win).");
                }
            }

            foreach (var attribute in options.Attributes.Where(a => a is SubgroupAttribute.Manufacturer or SubgroupAttribute.ScannerModel))
            {
                int unknown = cases.Count(c => attribute.ValueOf(c, AgeBands.Parse(options.AgeBands)) == SubgroupAttributes.Unknown);
                if (unknown > 0)
                {
                    notes.Add($"{attribute.Name()} is unknown for {unknown} of {cases.Count} cases (no manifest column and no DICOM tag, e.g. PNG images); they form the 'unknown' group.");
                }
            }

            if (cases.Count == 0)
            {
                throw new ManifestException(result.GetValue(scores) ?? manifest!, "no cases to audit");
            }

            var report = FairnessAudit.Run(cases, options, [.. AuditCaveats.For(cases), .. notes]) with { ModelVersion = modelVersion, ModelHashes = modelHashes };
            AuditOutputs.Write(outDir, report);
            stdout.WriteLine($"audited {report.N} cases ({report.Positives} TB) in {report.Groups.Count} groups, {report.Gaps.Count} gaps, {report.SkippedIntersections.Count} intersections skipped; wrote {Path.Combine(outDir, AuditOutputs.JsonFileName)}");
            return failed == 0 ? ExitCodes.Success : ExitCodes.SomeInputsFailed;
        }));
        return command;
    }

    /// <summary>A demographics file (keyed by original_id, no images) cannot be screened: say what to do instead.</summary>
    private static void RequireImageColumn(string manifest)
    {
        if (Directory.Exists(manifest))
        {
            return;
        }

        string header = File.ReadLines(manifest).FirstOrDefault() ?? "";
        var columns = CsvReader.SplitLine(header.TrimStart('\uFEFF')).Select(c => c.Trim().ToLowerInvariant()).ToList();
        if (!columns.Contains("file"))
        {
            throw new ManifestException(manifest, $"has no 'file' column (found: {string.Join(",", columns)}), so it names no images to screen; " +
                "for a demographics file without images use --demographics-only (group composition), or pass --scores predictions.csv", 1);
        }
    }

    private static int Positive(int value, string name) => value >= 1 ? value : throw new FormatException($"{name} must be at least 1");
}

using System.CommandLine;
using TbScreen.Inference.Evaluation;
using TbScreen.Screening.Sites;

namespace TbScreen.Cli.Commands;

/// <summary>
/// `tbscreen evaluate --data MANIFEST [--models DIR] --out DIR [--split NAME [--split-file FILE]]`: screens every
/// labelled image and writes metrics.json, predictions.csv, roc.svg and reliability.svg (docs/cli.md).
/// </summary>
public static class EvaluateCommand
{
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var data = new Option<string>("--data") { Description = "Manifest CSV (file,label[,sex,age,source,split,...], paths relative to it), or a dataset folder as distributed (NLM Shenzhen/Montgomery, TBX11K, <label>/*); several separated by commas are read as one set.", Required = true };
        var output = new Option<string>("--out", "-o") { Description = "Folder for metrics.json, predictions.csv and the plots.", Required = true };
        var split = new Option<string?>("--split") { Description = "Evaluate only this split (e.g. test)." };
        var splitFile = new Option<string?>("--split-file") { Description = "CSV file,split assigning manifest files to splits; without it the manifest's split column is used." };
        var batch = new Option<int>("--batch") { Description = "Images per ONNX Runtime batch (fewer when they hold over 32 megapixels together).", DefaultValueFactory = _ => 8 };
        var models = new EnsembleCliOptions();
        var siteProfile = new SiteProfileCliOption();
        var command = new Command("evaluate", "Evaluate the ensemble on a labelled manifest: AUC with 95% CI, sensitivity/specificity at the shipped thresholds, disagreement analysis, per source.")
        {
            data,
            output,
            split,
            splitFile,
            batch,
        };
        models.AddTo(command);
        siteProfile.AddTo(command);
        // On the option itself: a command validator sees 0, not the default, when --batch is absent.
        batch.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() is < 1 or > 256)
            {
                result.AddError("--batch must be between 1 and 256.");
            }
        });
        command.Validators.Add(result =>
        {
            if (result.GetValue(splitFile) is not null && result.GetValue(split) is null)
            {
                result.AddError("--split-file needs --split to say which split to evaluate.");
            }
        });
        command.SetAction(result => ExitCodes.Guard(stderr, () =>
        {
            string manifest = InputFiles.RequireData(result.GetValue(data)!);
            var rows = ManifestReader.Read(manifest);
            if (result.GetValue(split) is string name)
            {
                rows = ManifestReader.Filter(rows, name, result.GetValue(splitFile), manifest);
            }

            if (rows.Count == 0)
            {
                throw new ManifestException(manifest, "has no rows");
            }

            var profile = siteProfile.Load(result);
            using var ensemble = models.Load(result, stderr);
            var (cases, failures) = EvaluationRun.Screen(ensemble, rows, result.GetValue(batch), stderr);
            if (profile is not null)
            {
                // Same scores, the site's threshold: decisions, flags and metrics at that operating point.
                cases = cases.Select(c => c with { Decision = SiteDecision.Apply(c.Decision, ensemble.Policy, profile.Threshold) }).ToList();
                stdout.WriteLine($"decisions by {SiteProfileCliOption.Describe(profile, result.GetValue(siteProfile.Option))}");
            }

            if (cases.Count == 0)
            {
                throw new ManifestException(manifest, $"none of its {rows.Count} images could be read");
            }

            var report = EnsembleEvaluation.Compute(cases, failures) with { TestTimeViews = ensemble.Policy.Definition.TestTimeViews };
            string outDir = result.GetValue(output)!;
            EvaluationRun.WriteOutputs(outDir, report, cases);
            stdout.WriteLine(EvaluationSummary.Format(report));
            stdout.WriteLine($"wrote {Path.Combine(outDir, EvaluationRun.MetricsFileName)}");
            return failures.Count == 0 ? ExitCodes.Success : ExitCodes.SomeInputsFailed;
        }));
        return command;
    }
}

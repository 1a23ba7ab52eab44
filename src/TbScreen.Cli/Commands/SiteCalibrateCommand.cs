using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using TbScreen.Audit;
using TbScreen.Inference.Evaluation;

namespace TbScreen.Cli.Commands;

/// <summary>
/// `tbscreen site-calibrate --scores predictions.csv [--target-sensitivity 0.9] --out site.json`: a local threshold
/// from a site's labelled sample, with bootstrap CIs on the sensitivity and specificity it achieves there.
/// </summary>
public static class SiteCalibrateCommand
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var scores = new Option<string>("--scores") { Description = "predictions.csv (from `tbscreen evaluate`) of the site's labelled sample.", Required = true };
        var output = new Option<string>("--out", "-o") { Description = "JSON file to write (site.json).", Required = true };
        var target = new Option<double>("--target-sensitivity") { Description = "Sensitivity the local threshold must reach.", DefaultValueFactory = _ => 0.90 };
        var bootstrap = new Option<int>("--bootstrap") { Description = "Bootstrap replicates.", DefaultValueFactory = _ => 1000 };
        var seed = new Option<int>("--seed") { Description = "Bootstrap seed.", DefaultValueFactory = _ => 1 };
        var command = new Command("site-calibrate", "Derive a local threshold from a site's labelled sample (WHO: calibrate CAD thresholds locally). Research use only.")
        {
            scores, output, target, bootstrap, seed,
        };
        target.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<double>() is <= 0 or > 1)
            {
                r.AddError("--target-sensitivity must be in (0, 1].");
            }
        });
        command.SetAction(result => ExitCodes.Guard(stderr, () =>
        {
            string path = InputFiles.Require(result.GetValue(scores)!);
            var cases = CaseTables.ReadPredictions(path);
            SiteCalibrationResult site;
            try
            {
                site = SiteCalibration.Compute(cases, result.GetValue(target), Math.Max(10, result.GetValue(bootstrap)), result.GetValue(seed));
            }
            catch (ArgumentException e)
            {
                throw new ManifestException(path, e.Message);
            }

            string outFile = result.GetValue(output)!;
            OutputFiles.Write(outFile, JsonSerializer.SerializeToUtf8Bytes(site, Json));
            foreach (string warning in site.Warnings)
            {
                stderr.WriteLine($"tbscreen: warning: {warning}");
            }

            stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"local threshold {site.Threshold:0.####}: sensitivity {site.Sensitivity:0.000} [{site.SensitivityCi?[0]:0.000}, {site.SensitivityCi?[1]:0.000}], specificity {site.Specificity:0.000} [{site.SpecificityCi?[0]:0.000}, {site.SpecificityCi?[1]:0.000}] on {site.N} cases; wrote {outFile}"));
            return ExitCodes.Success;
        }));
        return command;
    }
}

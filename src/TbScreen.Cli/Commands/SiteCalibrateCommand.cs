using System.CommandLine;
using System.Globalization;
using TbScreen.Audit;
using TbScreen.Inference.Evaluation;
using TbScreen.Screening.Sites;

namespace TbScreen.Cli.Commands;

/// <summary>
/// `tbscreen site-calibrate --scores predictions.csv [--target-sensitivity 0.9] --out site.json`: a local threshold
/// from a site's labelled sample, with bootstrap CIs on the sensitivity and specificity it achieves there.
/// </summary>
public static class SiteCalibrateCommand
{
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var scores = new Option<string>("--scores") { Description = "predictions.csv (from `tbscreen evaluate`) of the site's labelled sample.", Required = true };
        var output = new Option<string>("--out", "-o") { Description = "JSON file to write (site.json).", Required = true };
        var target = new Option<double>("--target-sensitivity") { Description = "Sensitivity the local threshold must reach.", DefaultValueFactory = _ => 0.90 };
        var bootstrap = new Option<int>("--bootstrap") { Description = "Bootstrap replicates.", DefaultValueFactory = _ => 1000 };
        var seed = new Option<int>("--seed") { Description = "Bootstrap seed.", DefaultValueFactory = _ => 1 };
        var site = new Option<string?>("--site") { Description = "Site name written into site.json (default: the output file's name)." };
        var command = new Command("site-calibrate", "Derive a local threshold from a site's labelled sample (WHO: calibrate CAD thresholds locally). Research use only.")
        {
            scores, output, target, bootstrap, seed, site,
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
            SiteCalibrationResult calibration;
            try
            {
                calibration = SiteCalibration.Compute(cases, result.GetValue(target), Math.Max(10, result.GetValue(bootstrap)), result.GetValue(seed));
            }
            catch (ArgumentException e)
            {
                throw new ManifestException(path, e.Message);
            }

            string outFile = result.GetValue(output)!;
            // The calibration's fields as before, plus site, version and the sample's hash (read back by --site-profile).
            string siteName = result.GetValue(site) is { Length: > 0 } named ? named.Trim() : Path.GetFileNameWithoutExtension(outFile);
            string sampleSha = new SiteSample(cases.Select(c => new LabelledScore(c.Score, c.IsTb)).ToArray()).Sha256();
            OutputFiles.Write(outFile, SiteProfileFile.Write(calibration, siteName, 1, sampleSha));
            foreach (string warning in calibration.Warnings)
            {
                stderr.WriteLine($"tbscreen: warning: {warning}");
            }

            stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"local threshold {calibration.Threshold:0.####}: sensitivity {calibration.Sensitivity:0.000} [{calibration.SensitivityCi?[0]:0.000}, {calibration.SensitivityCi?[1]:0.000}], specificity {calibration.Specificity:0.000} [{calibration.SpecificityCi?[0]:0.000}, {calibration.SpecificityCi?[1]:0.000}] on {calibration.N} cases; wrote {outFile}"));
            return ExitCodes.Success;
        }));
        return command;
    }
}

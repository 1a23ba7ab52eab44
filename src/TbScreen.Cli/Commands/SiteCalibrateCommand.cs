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
        var output = new Option<string?>("--out", "-o") { Description = "JSON file to write (site.json); required unless --simulate." };
        var target = new Option<double>("--target-sensitivity") { Description = "Sensitivity the local threshold must reach.", DefaultValueFactory = _ => 0.90 };
        var bootstrap = new Option<int>("--bootstrap") { Description = "Bootstrap replicates.", DefaultValueFactory = _ => 1000 };
        var seed = new Option<int>("--seed") { Description = "Bootstrap seed.", DefaultValueFactory = _ => 1 };
        var site = new Option<string?>("--site") { Description = "Site name written into site.json (default: the output file's name)." };
        var simulate = new Option<string?>("--simulate") { Description = "TB,NORMAL: instead of writing site.json, draw a calibration sample of this size many times from the scores and report sensitivity and specificity on the cases not drawn (e.g. 20,20)." };
        var repeats = new Option<int>("--repeats") { Description = "Draws for --simulate.", DefaultValueFactory = _ => 1000 };
        var source = new Option<string?>("--source") { Description = "Only the rows of this source (predictions.csv's source column), e.g. one hospital of an evaluation." };
        var command = new Command("site-calibrate", "Derive a local threshold from a site's labelled sample (WHO: calibrate CAD thresholds locally). Research use only.")
        {
            scores, output, target, bootstrap, seed, site, simulate, repeats, source,
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
            if (result.GetValue(source) is string only)
            {
                cases = cases.Where(c => string.Equals(c.Source, only, StringComparison.OrdinalIgnoreCase)).ToList();
                if (cases.Count == 0)
                {
                    throw new ManifestException(path, $"has no rows of source '{only}'");
                }
            }

            if (result.GetValue(simulate) is string sizes)
            {
                return Simulate(path, cases, sizes, result.GetValue(target), result.GetValue(repeats), result.GetValue(seed), stdout);
            }

            if (result.GetValue(output) is not string outFile)
            {
                stderr.WriteLine("tbscreen: site-calibrate needs --out site.json (or --simulate TB,NORMAL)");
                return ExitCodes.Usage;
            }

            SiteCalibrationResult calibration;
            try
            {
                calibration = SiteCalibration.Compute(cases, result.GetValue(target), Math.Max(10, result.GetValue(bootstrap)), result.GetValue(seed));
            }
            catch (ArgumentException e)
            {
                throw new ManifestException(path, e.Message);
            }

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

    private static int Simulate(string path, IReadOnlyList<AuditCase> cases, string sizes, double target, int repeats, int seed, TextWriter stdout)
    {
        var parts = sizes.Split(',', StringSplitOptions.TrimEntries);
        if (parts.Length != 2 || !int.TryParse(parts[0], CultureInfo.InvariantCulture, out int tb) || !int.TryParse(parts[1], CultureInfo.InvariantCulture, out int normal) || tb < 1 || normal < 1)
        {
            throw new ManifestException(path, $"--simulate '{sizes}' must be TB,NORMAL counts, e.g. 20,20");
        }

        SiteCalibrationSimulationResult s;
        try
        {
            s = SiteCalibrationSimulation.Run(cases, tb, normal, target, Math.Max(1, repeats), seed);
        }
        catch (ArgumentException e)
        {
            throw new ManifestException(path, e.Message);
        }

        stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"calibrating on {s.SamplePositives} TB + {s.SampleNegatives} normal of {s.N} cases ({s.Positives} TB), {s.Repeats} draws (seed {s.Seed}), target sensitivity {s.TargetSensitivity:0.00}; on the cases not drawn (median [2.5th, 97.5th percentile]):"));
        stdout.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  threshold   {s.Threshold.Median:0.0000} [{s.Threshold.Low:0.0000}, {s.Threshold.High:0.0000}]"));
        stdout.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  sensitivity {s.Sensitivity.Median:0.000} [{s.Sensitivity.Low:0.000}, {s.Sensitivity.High:0.000}]; reaches the target in {s.ShareReachingTarget * 100:0}% of draws"));
        stdout.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  specificity {s.Specificity.Median:0.000} [{s.Specificity.Low:0.000}, {s.Specificity.High:0.000}]"));
        return ExitCodes.Success;
    }
}

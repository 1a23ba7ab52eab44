using System.CommandLine;
using System.Globalization;
using TbScreen.Dicom;
using TbScreen.Imaging;
using TbScreen.Inference;
using TbScreen.Inference.Ensembles;

namespace TbScreen.Cli.Commands;

/// <summary>
/// `tbscreen screen FILE... [--models DIR]`: one line per file with member and ensemble scores, decision and flag.
/// A bad file gets one stderr line and the rest go on; exit 0 when all were screened, 1 when some failed.
/// </summary>
public static class ScreenCommand
{
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var files = new Argument<string[]>("FILE") { Description = "DICOM, PNG or JPEG files.", Arity = ArgumentArity.OneOrMore };
        var models = new EnsembleCliOptions();
        var command = new Command("screen", "Screen radiographs with the model ensemble: scores, decision and disagreement flag. Research use only.")
        {
            files,
        };
        models.AddTo(command);
        command.SetAction(result => ExitCodes.Guard(stderr, () =>
        {
            using var ensemble = models.Load(result, stderr);
            var screener = new RadiographScreener(ensemble);
            stdout.WriteLine("# TbScreen: research use only, not a medical device.");
            int failed = 0;
            foreach (string file in result.GetValue(files)!)
            {
                try
                {
                    var radiograph = RadiographFiles.Load(InputFiles.Require(file));
                    stdout.WriteLine(FormatLine(file, screener.Screen(radiograph, withHeatmap: false).Decision));
                }
                catch (Exception e) when (e is DicomException or ImageDecodeException)
                {
                    // DicomException and ImageDecodeException messages already start with the file path.
                    stderr.WriteLine($"tbscreen: {e.Message}");
                    failed++;
                }
            }

            return failed == 0 ? ExitCodes.Success : ExitCodes.SomeInputsFailed;
        }));
        return command;
    }

    /// <summary>`FILE: alexnet=0.1234 googlenet=0.5678 ensemble=0.3456 decision=not-tb flag=disagreement reason="..."`.</summary>
    internal static string FormatLine(string file, EnsembleDecision decision)
    {
        var parts = new List<string> { file + ":" };
        parts.AddRange(decision.Members.Select(m => $"{m.Name}={P(m.Probability)}"));
        parts.Add($"ensemble={P(decision.Probability)}");
        parts.Add($"decision={(decision.IsTb ? "tb" : "not-tb")}");
        parts.Add($"flag={(decision.Flagged ? string.Join('+', decision.FlagNames) : "none")}");
        parts.Add($"reason=\"{Reason(decision)}\"");
        return string.Join(' ', parts);
    }

    private static string Reason(EnsembleDecision decision)
    {
        var reasons = new List<string>();
        if (decision.Flags.HasFlag(FlagReasons.Disagreement))
        {
            reasons.Add("members disagree: " + string.Join(", ", decision.Members.Select(m => $"{m.Name} {(m.CalledTb ? "tb" : "not-tb")} ({P(m.Probability)} vs {P(m.Threshold)})")));
        }

        if (decision.Flags.HasFlag(FlagReasons.Uncertain))
        {
            reasons.Add($"ensemble {P(decision.Probability)} is within the uncertainty band of threshold {P(decision.Threshold)}");
        }

        return reasons.Count > 0
            ? string.Join("; ", reasons) + "; refer to a radiologist"
            : $"members agree and ensemble {P(decision.Probability)} is {(decision.IsTb ? ">=" : "<")} threshold {P(decision.Threshold)}";
    }

    private static string P(double value) => value.ToString("0.0000", CultureInfo.InvariantCulture);
}

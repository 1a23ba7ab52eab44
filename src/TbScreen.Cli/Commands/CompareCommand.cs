using System.CommandLine;
using System.Globalization;
using TbScreen.Audit;

namespace TbScreen.Cli.Commands;

/// <summary>
/// `tbscreen compare A/predictions.csv B/predictions.csv [--column ensemble] [--column-b COL] [--source NAME]`:
/// DeLong's paired test of two evaluations of the same images, within each source that holds both classes.
/// </summary>
public static class CompareCommand
{
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var first = new Argument<string>("A") { Description = "predictions.csv of the first evaluation (tbscreen evaluate --out)." };
        var second = new Argument<string>("B") { Description = "predictions.csv of the second evaluation, of the same images." };
        var column = new Option<string>("--column") { Description = "Score column to compare (ensemble, or a member's name).", DefaultValueFactory = _ => "ensemble" };
        var columnB = new Option<string?>("--column-b") { Description = "Score column of B when it differs from A's (e.g. one member against the ensemble)." };
        var source = new Option<string?>("--source") { Description = "Only this source (e.g. shenzhen)." };
        var command = new Command("compare", "Paired DeLong test of two evaluations of the same images, within each source that holds both classes. Research use only.")
        {
            first, second, column, columnB, source,
        };
        command.SetAction(result => ExitCodes.Guard(stderr, () =>
        {
            string a = result.GetValue(first)!, b = result.GetValue(second)!;
            string colA = result.GetValue(column)!, colB = result.GetValue(columnB) ?? colA;
            var comparison = PredictionComparison.Compare(a, b, colA, colB, result.GetValue(source));
            stdout.WriteLine($"A = {a} ({colA}), B = {b} ({colB}); {comparison.Matched} images in both");
            foreach (var s in comparison.Sources)
            {
                var (low, high) = s.DifferenceCi;
                stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{s.Source}: n {s.N} ({s.Positives} TB): AUC A {s.Auc.AucA:F3} vs B {s.Auc.AucB:F3}, difference {s.Auc.Difference:+0.000;-0.000} [{low:F3}, {high:F3}], p {s.Auc.PValue:0.0000} (DeLong, paired)"));
            }

            foreach (string reason in comparison.Skipped)
            {
                stdout.WriteLine($"not compared: {reason}");
            }

            if (comparison.Sources.Count == 0)
            {
                stderr.WriteLine("tbscreen: no source holds both classes in both files: nothing to compare (a pooled AUC over sources from different hospitals would compare hospitals)");
                return ExitCodes.InvalidInput;
            }

            return ExitCodes.Success;
        }));
        return command;
    }
}

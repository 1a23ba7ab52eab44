using System.CommandLine;
using System.Globalization;
using TbScreen.Inference.Datasets;
using TbScreen.Training.Splits;

namespace TbScreen.Cli.Commands;

/// <summary>
/// `tbscreen split-folds --data MANIFEST --split-file FILE --folds 5 --out DIR`: the split files of a K-fold
/// cross-validation over train + validation (DIR/fold-1.csv .. fold-K.csv: that fold is the validation split, the
/// rest train) and of the final model (DIR/final.csv: train + validation all train). The test split is unchanged in
/// every file. Train each fold with `train --split-file DIR/fold-k.csv`, score its held-out fold with `evaluate --split
/// val`, and choose the ensemble threshold from the pooled predictions with `calibrate-ensemble --oof`.
/// </summary>
public static class SplitFoldsCommand
{
    public const string FinalFileName = "final.csv";

    public static string FoldFileName(int fold) => $"fold-{fold.ToString(CultureInfo.InvariantCulture)}.csv";

    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var data = new Option<string>("--data") { Description = "Manifest(s) of the split, comma-separated as for train.", Required = true };
        var splitFile = new Option<string>("--split-file") { Description = "The split whose train and validation images are dealt into folds.", Required = true };
        var folds = new Option<int>("--folds") { Description = "Number of folds.", DefaultValueFactory = _ => 5 };
        var seed = new Option<int>("--seed") { Description = "Seed of the deal.", DefaultValueFactory = _ => 1 };
        var output = new Option<string>("--out", "-o") { Description = "Folder for fold-K.csv and final.csv.", Required = true };
        var command = new Command("split-folds", "Write the split files of a patient-level K-fold cross-validation over train + validation, and of the final model trained on both.")
        {
            data, splitFile, folds, seed, output,
        };
        command.SetAction(result => ExitCodes.Guard(stderr, () =>
        {
            int k = result.GetValue(folds);
            if (k < 2)
            {
                stderr.WriteLine("tbscreen: --folds must be at least 2.");
                return ExitCodes.Usage;
            }

            string dataPath = result.GetValue(data)!;
            var split = DatasetSplit.LoadOrCreate(InputFiles.RequireData(dataPath), InputFiles.Require(result.GetValue(splitFile)!), new SplitOptions(), writeTo: null);
            IReadOnlyList<IReadOnlyDictionary<CxrRecord, SplitName>> assignments;
            try
            {
                assignments = CrossValidationFolds.Create(split.Assignment, k, result.GetValue(seed));
            }
            catch (ArgumentException e)
            {
                stderr.WriteLine($"tbscreen: {e.Message}");
                return ExitCodes.Usage;
            }

            string outDir = result.GetValue(output)!;
            Directory.CreateDirectory(outDir);
            for (int i = 0; i < assignments.Count; i++)
            {
                SplitFile.Write(Path.Combine(outDir, FoldFileName(i + 1)), assignments[i], split.DataRoot);
                stdout.WriteLine($"fold {i + 1}/{k}: held out {Describe(assignments[i], SplitName.Val)}; trains on {Describe(assignments[i], SplitName.Train)}");
            }

            var final = CrossValidationFolds.Final(split.Assignment);
            SplitFile.Write(Path.Combine(outDir, FinalFileName), final, split.DataRoot);
            stdout.WriteLine($"final: trains on {Describe(final, SplitName.Train)}; test {Describe(final, SplitName.Test)} untouched");
            stdout.WriteLine($"wrote {k} fold files and {FinalFileName} to {Path.GetFullPath(outDir)}");
            return ExitCodes.Success;
        }));
        return command;
    }

    private static string Describe(IReadOnlyDictionary<CxrRecord, SplitName> assignment, SplitName split)
    {
        var records = assignment.Where(p => p.Value == split).Select(p => p.Key).ToList();
        var bySource = records.GroupBy(r => r.Source ?? "unknown").OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => $"{g.Key} {g.Count()} ({g.Count(r => r.Label == CxrRecord.Tb)} TB)");
        return $"{records.Count} images [{string.Join(", ", bySource)}]";
    }
}

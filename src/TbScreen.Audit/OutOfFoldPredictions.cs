using TbScreen.Inference.Evaluation;

namespace TbScreen.Audit;

/// <summary>One held-out case of a cross-validation: the fold (0-based, the file's position) and a retrained model's score.</summary>
public sealed record OutOfFoldCase(int Fold, string File, string Source, bool IsTb, double Score);

/// <summary>
/// Reads out-of-fold predictions: one predictions.csv of `tbscreen evaluate` per fold, each scoring that fold's
/// held-out cases with models retrained without them (`tbscreen split-folds`). Folds must be disjoint.
/// </summary>
public static class OutOfFoldPredictions
{
    public static IReadOnlyList<OutOfFoldCase> Read(IReadOnlyList<string> foldPredictionFiles, string scoreColumn)
    {
        ArgumentNullException.ThrowIfNull(foldPredictionFiles);
        if (foldPredictionFiles.Count < 2)
        {
            throw new ArgumentException($"out-of-fold predictions need at least 2 fold files; got {foldPredictionFiles.Count}.");
        }

        var rows = new List<OutOfFoldCase>();
        var seenIn = new Dictionary<string, string>(StringComparer.Ordinal);
        for (int fold = 0; fold < foldPredictionFiles.Count; fold++)
        {
            string path = foldPredictionFiles[fold];
            if (!System.IO.File.Exists(path))
            {
                throw new ManifestException(path, "not found");
            }

            foreach (var c in CaseTables.ReadPredictions(path, scoreColumn, requireDecision: false))
            {
                // Folds are disjoint by construction; an image twice means two files of one fold or a wrong split.
                if (!seenIn.TryAdd(c.File, path))
                {
                    throw new ManifestException(path, $"'{c.File}' is also in {seenIn[c.File]}: fold files must hold disjoint held-out cases");
                }

                rows.Add(new OutOfFoldCase(fold, c.File, c.Source ?? "", c.IsTb, c.Score));
            }
        }

        return rows;
    }
}

using TbScreen.Inference.Evaluation;

namespace TbScreen.Audit;

/// <summary>One held-out case of a cross-validation: the fold (0-based, the file's position) and a retrained model's score.</summary>
public sealed record OutOfFoldCase(int Fold, string File, string Source, bool IsTb, double Score);

/// <summary>A predictions.csv score column and its weight in a weighted mean.</summary>
public sealed record WeightedColumn(string Column, double Weight);

/// <summary>
/// Reads out-of-fold predictions: one predictions.csv of `tbscreen evaluate` per fold, each scoring that fold's
/// held-out cases with models retrained without them (`tbscreen split-folds`). Folds must be disjoint.
/// </summary>
public static class OutOfFoldPredictions
{
    public static IReadOnlyList<OutOfFoldCase> Read(IReadOnlyList<string> foldPredictionFiles, string scoreColumn) =>
        Read(foldPredictionFiles, [new WeightedColumn(scoreColumn, 1)]);

    /// <summary>
    /// The score of each case is the weighted mean of <paramref name="columns"/> (an ensemble's "weighted" rule over its
    /// members' columns): out-of-fold scores of a weighting the fold files were not evaluated with.
    /// </summary>
    public static IReadOnlyList<OutOfFoldCase> Read(IReadOnlyList<string> foldPredictionFiles, IReadOnlyList<WeightedColumn> columns)
    {
        ArgumentNullException.ThrowIfNull(columns);
        if (columns.Count == 0 || columns.Any(c => !(c.Weight > 0) || !double.IsFinite(c.Weight)))
        {
            throw new ArgumentException("out-of-fold scores need at least one column, each with a positive finite weight.");
        }

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

            var perColumn = columns.Select(c => CaseTables.ReadPredictions(path, c.Column, requireDecision: false)).ToList();
            double total = columns.Sum(c => c.Weight);
            for (int i = 0; i < perColumn[0].Count; i++)
            {
                var c = perColumn[0][i];
                double score = columns.Count == 1 ? c.Score : Enumerable.Range(0, columns.Count).Sum(k => columns[k].Weight * perColumn[k][i].Score) / total;
                // Folds are disjoint by construction; an image twice means two files of one fold or a wrong split.
                if (!seenIn.TryAdd(c.File, path))
                {
                    throw new ManifestException(path, $"'{c.File}' is also in {seenIn[c.File]}: fold files must hold disjoint held-out cases");
                }

                rows.Add(new OutOfFoldCase(fold, c.File, c.Source ?? "", c.IsTb, score));
            }
        }

        return rows;
    }
}

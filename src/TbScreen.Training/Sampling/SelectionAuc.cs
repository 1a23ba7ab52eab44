using TbScreen.Inference.Metrics;

namespace TbScreen.Training.Sampling;

/// <summary>The validation AUC that picks the best epoch.</summary>
public static class SelectionAuc
{
    /// <summary>
    /// Within source: the AUCs of the sources that hold both classes, averaged with weights TB x normal (the number of
    /// within-source pairs), i.e. the chance that a TB film outranks a normal film of the same hospital. An epoch is
    /// then never preferred for telling two hospitals apart. The pooled AUC when no source holds both (or when asked).
    /// </summary>
    public static double? Compute(IReadOnlyList<double> scores, IReadOnlyList<bool> isTb, IReadOnlyList<string> sources, SelectionKind selection)
    {
        ArgumentNullException.ThrowIfNull(scores);
        ArgumentNullException.ThrowIfNull(isTb);
        ArgumentNullException.ThrowIfNull(sources);
        if (selection == SelectionKind.WithinSource)
        {
            double pairs = 0, weighted = 0;
            foreach (var g in Enumerable.Range(0, scores.Count).GroupBy(i => sources[i]))
            {
                bool[] labels = g.Select(i => isTb[i]).ToArray();
                if (DeLong.Auc(new ScoredCases(g.Select(i => scores[i]).ToArray(), labels)) is double auc)
                {
                    double n = (double)labels.Count(l => l) * labels.Count(l => !l);
                    pairs += n;
                    weighted += n * auc;
                }
            }

            if (pairs > 0)
            {
                return weighted / pairs;
            }
        }

        return DeLong.Auc(new ScoredCases(scores.ToArray(), isTb.ToArray()));
    }
}

namespace TbScreen.Training.Evaluation;

/// <summary>
/// Minimal ROC AUC for early stopping only. The product's metrics (AUC with DeLong CI, ECE, thresholds)
/// live in TbScreen.Inference.Metrics; this will be unified with it.
/// </summary>
public static class RocAuc
{
    /// <summary>Mann-Whitney U / (n1 n0) with average ranks for ties; null when a class is absent.</summary>
    public static double? Compute(IReadOnlyList<double> scores, IReadOnlyList<int> labels)
    {
        ArgumentNullException.ThrowIfNull(scores);
        ArgumentNullException.ThrowIfNull(labels);
        if (scores.Count != labels.Count)
        {
            throw new ArgumentException($"{scores.Count} scores but {labels.Count} labels.");
        }

        int[] order = Enumerable.Range(0, scores.Count).OrderBy(i => scores[i]).ToArray();
        double positiveRankSum = 0;
        long positives = 0;
        for (int start = 0; start < order.Length;)
        {
            int end = start;
            while (end + 1 < order.Length && scores[order[end + 1]] == scores[order[start]])
            {
                end++;
            }

            double averageRank = (start + end) / 2.0 + 1;
            for (int k = start; k <= end; k++)
            {
                if (labels[order[k]] == 1)
                {
                    positiveRankSum += averageRank;
                    positives++;
                }
            }

            start = end + 1;
        }

        long negatives = scores.Count - positives;
        if (positives == 0 || negatives == 0)
        {
            return null;
        }

        return (positiveRankSum - positives * (positives + 1) / 2.0) / (positives * (double)negatives);
    }
}

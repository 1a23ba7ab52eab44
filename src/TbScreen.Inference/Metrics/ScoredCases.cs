namespace TbScreen.Inference.Metrics;

/// <summary>
/// Scores with binary labels (true = positive, TB), validated once so every metric can trust its input.
/// Higher score means more likely positive.
/// </summary>
public sealed class ScoredCases
{
    public ScoredCases(IReadOnlyList<double> scores, IReadOnlyList<bool> labels)
    {
        ArgumentNullException.ThrowIfNull(scores);
        ArgumentNullException.ThrowIfNull(labels);
        if (scores.Count != labels.Count)
        {
            throw new ArgumentException($"{scores.Count} scores but {labels.Count} labels.");
        }

        for (int i = 0; i < scores.Count; i++)
        {
            if (!double.IsFinite(scores[i]))
            {
                throw new ArgumentException($"Score {i} is {scores[i]}; scores must be finite.");
            }
        }

        Scores = scores.ToArray();
        Labels = labels.ToArray();
        Positives = Scores.Where((_, i) => Labels[i]).ToArray();
        Negatives = Scores.Where((_, i) => !Labels[i]).ToArray();
    }

    public double[] Scores { get; }

    public bool[] Labels { get; }

    public double[] Positives { get; }

    public double[] Negatives { get; }

    public int Count => Scores.Length;

    /// <summary>Why AUC-type metrics are undefined here, or null when both classes are present.</summary>
    public string? SingleClassReason => (Positives.Length, Negatives.Length) switch
    {
        (0, 0) => "no cases",
        (0, _) => $"no positive (TB) cases among {Negatives.Length}: AUC needs both classes",
        (_, 0) => $"no negative (non-TB) cases among {Positives.Length}: AUC needs both classes",
        _ => null,
    };
}

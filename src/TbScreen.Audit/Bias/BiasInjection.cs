namespace TbScreen.Audit.Bias;

/// <summary>
/// Controlled label and selection bias for one group (Wick, Panda &amp; Tristan, NeurIPS 2019). Both pick exactly
/// round(fraction * n) of the group's positives (n = positives in the group, midpoint away from zero) with a seeded
/// shuffle, and touch nothing outside the group or among its negatives.
/// </summary>
public static class BiasInjection
{
    /// <summary>Label bias: the labels with exactly round(fraction * n) of the group's positives turned negative.</summary>
    public static bool[] FlipPositives(IReadOnlyList<bool> labels, IReadOnlyList<bool> inGroup, double fraction, int seed)
    {
        var chosen = ChoosePositives(labels, inGroup, fraction, seed);
        var biased = labels.ToArray();
        foreach (int i in chosen)
        {
            biased[i] = false;
        }

        return biased;
    }

    /// <summary>Selection bias: a keep-mask that drops exactly round(fraction * n) of the group's positives.</summary>
    public static bool[] DropPositives(IReadOnlyList<bool> labels, IReadOnlyList<bool> inGroup, double fraction, int seed)
    {
        var keep = Enumerable.Repeat(true, labels.Count).ToArray();
        foreach (int i in ChoosePositives(labels, inGroup, fraction, seed))
        {
            keep[i] = false;
        }

        return keep;
    }

    /// <summary>How many of <paramref name="n"/> positives a fraction selects.</summary>
    public static int CountFor(double fraction, int n) => (int)Math.Round(fraction * n, MidpointRounding.AwayFromZero);

    private static IReadOnlyList<int> ChoosePositives(IReadOnlyList<bool> labels, IReadOnlyList<bool> inGroup, double fraction, int seed)
    {
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(inGroup);
        if (labels.Count != inGroup.Count)
        {
            throw new ArgumentException($"labels ({labels.Count}) and group membership ({inGroup.Count}) differ in length");
        }

        if (fraction is < 0 or > 1 || double.IsNaN(fraction))
        {
            throw new ArgumentOutOfRangeException(nameof(fraction), fraction, "a bias fraction must be in [0, 1]");
        }

        int[] candidates = Enumerable.Range(0, labels.Count).Where(i => labels[i] && inGroup[i]).ToArray();
        new Random(seed).Shuffle(candidates);
        return candidates.Take(CountFor(fraction, candidates.Length)).ToArray();
    }
}

using TbScreen.Inference.Datasets;

namespace TbScreen.Training.Sampling;

/// <summary>
/// The (source, label) groups of the training images, and the balanced epoch order drawn over them: a group is
/// chosen with probability proportional to min(1, size / MinGroupSize), then an image of it uniformly.
/// </summary>
public sealed class TrainingGroups
{
    private readonly int[][] _members;
    private readonly double[] _cumulative;

    public TrainingGroups(IReadOnlyList<CxrRecord> train, int minGroupSize)
    {
        ArgumentNullException.ThrowIfNull(train);
        ArgumentOutOfRangeException.ThrowIfLessThan(minGroupSize, 1);
        var keys = train.Select(Key).Distinct().Order(StringComparer.Ordinal).ToList();
        Names = keys;
        GroupOf = train.Select(r => keys.IndexOf(Key(r))).ToArray();
        _members = keys.Select((_, g) => Enumerable.Range(0, train.Count).Where(i => GroupOf[i] == g).ToArray()).ToArray();
        double[] weights = _members.Select(m => Math.Min(1.0, (double)m.Length / minGroupSize)).ToArray();
        double total = weights.Sum();
        _cumulative = new double[weights.Length];
        double running = 0;
        for (int g = 0; g < weights.Length; g++)
        {
            running += weights[g] / total;
            _cumulative[g] = running;
        }
    }

    /// <summary>"source/label" per group, in ordinal order.</summary>
    public IReadOnlyList<string> Names { get; }

    /// <summary>The group index of each training image (by its position in the training list).</summary>
    public int[] GroupOf { get; }

    public int Count => Names.Count;

    /// <summary>The probability of drawing each group.</summary>
    public double[] Probabilities() => _cumulative.Select((c, g) => g == 0 ? c : c - _cumulative[g - 1]).ToArray();

    /// <summary><paramref name="count"/> training positions drawn with replacement, groups balanced.</summary>
    public int[] DrawEpoch(Random random, int count)
    {
        ArgumentNullException.ThrowIfNull(random);
        var order = new int[count];
        for (int i = 0; i < count; i++)
        {
            double u = random.NextDouble();
            int g = Array.FindIndex(_cumulative, c => u < c);
            int[] members = _members[g < 0 ? _members.Length - 1 : g];
            order[i] = members[random.Next(members.Length)];
        }

        return order;
    }

    private static string Key(CxrRecord record) => $"{record.Source ?? "unknown"}/{record.Label}";
}

namespace TbScreen.Audit.Probe;

/// <summary>One probe's cross-validated result against the majority-class baseline.</summary>
public sealed record ProbeResult(
    string Model,
    string Target,
    string Subset,
    int N,
    IReadOnlyList<string> Classes,
    IReadOnlyList<int> ClassCounts,
    int Folds,
    double Accuracy,
    double[] AccuracyCi,
    double BalancedAccuracy,
    double[] BalancedAccuracyCi,
    double MajorityBaseline,
    double Chance,
    bool High,
    IReadOnlyList<string> Warnings);

/// <summary>
/// Cross-validated probe: folds by patient (every image of a patient in one fold; patients shuffled with the seed
/// and dealt round-robin), one probe per fold fitted on the other folds, each case predicted once. Accuracy CI:
/// Wilson 95%. Balanced accuracy (mean per-class recall) CI: seeded percentile bootstrap over cases, stratified by
/// class. The majority baseline is the share of the largest class; chance for balanced accuracy is 1/classes.
/// "High" means the balanced-accuracy CI lies wholly above max(chance + 0.1, 0.6): the features tell the groups apart.
/// </summary>
public static class ProbeEvaluation
{
    public const int MinimumClassSize = 10;

    public static ProbeResult Run(string model, string target, string subset, IReadOnlyList<float[]> features,
        IReadOnlyList<string> classLabels, IReadOnlyList<string> patientKeys, ProbeOptions options, int replicates = 1000)
    {
        ArgumentNullException.ThrowIfNull(features);
        ArgumentNullException.ThrowIfNull(classLabels);
        ArgumentNullException.ThrowIfNull(patientKeys);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        if (features.Count != classLabels.Count || features.Count != patientKeys.Count)
        {
            throw new ArgumentException($"probe {target}: {features.Count} feature rows, {classLabels.Count} labels and {patientKeys.Count} patient keys differ");
        }

        var classes = classLabels.Distinct().OrderBy(c => c, StringComparer.Ordinal).ToList();
        if (classes.Count < 2)
        {
            throw new ArgumentException($"probe {target} ({subset}) needs at least two classes; found {string.Join(", ", classes)}");
        }

        int[] y = classLabels.Select(c => classes.IndexOf(c)).ToArray();
        int[] fold = Folds(patientKeys, options.Folds, options.Seed);
        var predicted = new int[y.Length];
        for (int k = 0; k < options.Folds; k++)
        {
            int[] train = Enumerable.Range(0, y.Length).Where(i => fold[i] != k).ToArray();
            int[] held = Enumerable.Range(0, y.Length).Where(i => fold[i] == k).ToArray();
            if (held.Length == 0)
            {
                continue;
            }

            var probe = LogisticProbe.Fit(train.Select(i => features[i]).ToArray(), train.Select(i => y[i]).ToArray(), classes.Count, options);
            foreach (int i in held)
            {
                predicted[i] = probe.Predict(features[i]);
            }
        }

        int[] counts = classes.Select((_, c) => y.Count(v => v == c)).ToArray();
        int correct = Enumerable.Range(0, y.Length).Count(i => predicted[i] == y[i]);
        var (low, high) = ProportionStatistics.Wilson(correct, y.Length)!.Value;
        double balanced = Balanced(y, predicted, Enumerable.Range(0, y.Length).ToArray(), classes.Count);
        double[] balancedCi = BalancedCi(y, predicted, classes.Count, replicates, options.Seed);
        double chance = 1.0 / classes.Count;
        bool isHigh = balancedCi[0] > Math.Max(chance + 0.1, 0.6);
        var warnings = new List<string>();
        if (isHigh)
        {
            warnings.Add($"{model} features predict {target} ({subset}) well above chance (balanced accuracy {balanced:0.000}, CI [{balancedCi[0]:0.000}, {balancedCi[1]:0.000}]): the model can tell these groups apart from the image, a shortcut risk");
        }

        warnings.AddRange(classes.Where((_, c) => counts[c] < MinimumClassSize)
            .Select(c => $"class {c} has only {counts[classes.IndexOf(c)]} images (< {MinimumClassSize}): its recall, and so the balanced accuracy, is imprecise"));
        return new ProbeResult(model, target, subset, y.Length, classes, counts, options.Folds, (double)correct / y.Length, [low, high],
            balanced, balancedCi, (double)counts.Max() / y.Length, chance, isHigh, warnings);
    }

    /// <summary>Patient-grouped folds: distinct keys shuffled with the seed, dealt round-robin.</summary>
    public static int[] Folds(IReadOnlyList<string> patientKeys, int folds, int seed)
    {
        ArgumentNullException.ThrowIfNull(patientKeys);
        var keys = patientKeys.Distinct(StringComparer.Ordinal).OrderBy(k => k, StringComparer.Ordinal).ToArray();
        new Random(seed).Shuffle(keys);
        var foldOf = keys.Select((k, i) => (k, i % folds)).ToDictionary(p => p.k, p => p.Item2, StringComparer.Ordinal);
        return patientKeys.Select(k => foldOf[k]).ToArray();
    }

    /// <summary>Mean recall over the classes present among <paramref name="rows"/>.</summary>
    public static double Balanced(int[] y, int[] predicted, int[] rows, int classes)
    {
        double sum = 0;
        int present = 0;
        for (int c = 0; c < classes; c++)
        {
            int n = 0, hit = 0;
            foreach (int i in rows)
            {
                if (y[i] == c)
                {
                    n++;
                    hit += predicted[i] == c ? 1 : 0;
                }
            }

            if (n > 0)
            {
                sum += (double)hit / n;
                present++;
            }
        }

        return sum / present;
    }

    private static double[] BalancedCi(int[] y, int[] predicted, int classes, int replicates, int seed)
    {
        var random = new Random(seed);
        var byClass = Enumerable.Range(0, classes).Select(c => Enumerable.Range(0, y.Length).Where(i => y[i] == c).ToArray()).ToArray();
        var values = new List<double>(replicates);
        for (int b = 0; b < replicates; b++)
        {
            var rows = byClass.SelectMany(members => members.Select(_ => members[random.Next(members.Length)])).ToArray();
            values.Add(Balanced(y, predicted, rows, classes));
        }

        values.Sort();
        return [TbScreen.Inference.Metrics.BootstrapCi.Quantile(values, 0.025), TbScreen.Inference.Metrics.BootstrapCi.Quantile(values, 0.975)];
    }
}

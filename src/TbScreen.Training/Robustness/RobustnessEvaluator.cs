using System.Diagnostics;
using TbScreen.Inference.Metrics;
using static TorchSharp.torch;

namespace TbScreen.Training.Robustness;

/// <summary>What one target's attack run produced: everything in the report except corruptions, the proof and the tables.</summary>
public sealed record AttackResults(CleanMetrics AttackedClean, IReadOnlyList<EpsilonResult> Attacks, IReadOnlyList<LipschitzResult> Lipschitz, PerImageValues PerImage, RunSettings Settings);

/// <summary>Clean metrics, FGSM and PGD robust accuracy and the Lipschitz estimate of one target on the data, batch by batch.</summary>
public static class RobustnessEvaluator
{
    /// <param name="data">The images attacked (all, or a balanced subset).</param>
    /// <param name="journal">Finished batches to reuse and to record into (resume); null attacks every batch and keeps nothing.</param>
    public static AttackResults Run(IAttackTarget target, RobustnessData data, RobustnessOptions options, Action<string>? progress = null, AttackJournal? journal = null)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        progress ??= _ => { };
        var batches = Enumerable.Range(0, data.Count).Chunk(options.BatchSize).ToArray();
        var outputs = OutputsFor(target, options);
        journal ??= AttackJournal.None(AttackJournal.FingerprintOf(target.Name, data.Files, options, outputs.Select(Name)));
        if (journal.ResumedBatches > 0)
        {
            progress($"{target.Name}: resuming: {journal.ResumedBatches} finished batch(es) read from {journal.Path}");
        }

        var clean = CleanScores(target, data, options.BatchSize);
        var cleanMetrics = Clean(clean, data.Labels, target.Threshold, "torchsharp, attacked images");
        progress($"{target.Name}: attacking {data.Count} images (clean accuracy {cleanMetrics.Accuracy:F3} on them)");

        var attacks = new List<EpsilonResult>();
        var lipschitz = new List<LipschitzResult>();
        var perEpsilon = new List<PerEpsilonValues>();
        for (int e = 0; e < options.Epsilons.Count; e++)
        {
            double epsilon = options.Epsilons[e];
            var clock = Stopwatch.StartNew();
            var fgsm = new List<bool>();
            var pgd = new List<bool>();
            var worst = new List<double>();
            var ratios = outputs.ToDictionary(o => o, _ => new List<double>());
            for (int b = 0; b < batches.Length; b++)
            {
                bool resumed = journal.TryGet(e, b, out var record);
                if (!resumed)
                {
                    record = AttackBatch(target, data, batches[b], epsilon, e, b, outputs, options, journal.Fingerprint);
                    journal.Add(record);
                }

                fgsm.AddRange(record.FgsmRobust);
                pgd.AddRange(record.PgdRobust);
                worst.AddRange(record.PgdWorstTbProbability);
                foreach (var output in outputs)
                {
                    ratios[output].AddRange(record.Lipschitz[Name(output)]);
                }

                progress($"{target.Name}: eps {epsilon * 255:0.##}/255 batch {b + 1}/{batches.Length}{(resumed ? " (resumed)" : "")} ({clock.Elapsed.TotalSeconds:F0} s)");
            }

            double pgdAccuracy = pgd.Count(c => c) / (double)pgd.Count;
            int flipped = Enumerable.Range(0, data.Count).Count(i => IsCorrect(clean[i], data.Labels[i], target.Threshold) && !pgd[i]);
            attacks.Add(new EpsilonResult(epsilon, epsilon * 255, fgsm.Count(c => c) / (double)fgsm.Count, pgdAccuracy, options.Pgd.StepFor(epsilon), flipped));
            foreach (var output in outputs)
            {
                var values = ratios[output];
                var robust = values.Where((_, i) => pgd[i]).ToArray();
                var notRobust = values.Where((_, i) => !pgd[i]).ToArray();
                lipschitz.Add(new LipschitzResult(epsilon, epsilon * 255, Name(output), options.Lipschitz.StepSize, options.Lipschitz.Steps,
                    values.Average(), Bootstrap.MeanCi(values, options.BootstrapReplicates, options.Seed + e), Bootstrap.Median(values), values.Max(),
                    robust.Length > 0 ? robust.Average() : null, notRobust.Length > 0 ? notRobust.Average() : null));
            }

            perEpsilon.Add(new PerEpsilonValues(epsilon, pgd, worst, outputs.ToDictionary(Name, o => (IReadOnlyList<double>)ratios[o])));
            progress($"{target.Name}: eps {epsilon * 255:0.##}/255: FGSM acc {attacks[^1].FgsmAccuracy:F3}, PGD acc {pgdAccuracy:F3}, " +
                string.Join(", ", lipschitz.Where(l => l.Epsilon == epsilon).Select(l => $"Lipschitz({l.Output}) {l.Mean:G4}")) + $" ({clock.Elapsed.TotalSeconds:F0} s)");
        }

        var settings = new RunSettings(options.Epsilons, options.Pgd.Steps, options.Epsilons.Select(options.Pgd.StepFor).ToArray(), options.Pgd.RandomStart,
            options.Pgd.Restarts, options.Lipschitz.Steps, options.Lipschitz.StepSize, options.Lipschitz.InitialNoise, options.Seed, options.Threads,
            "untargeted Linf on the true label: maximise -log P(true class); robust = the call at the operating threshold is right at the clean image and at every iterate");
        return new AttackResults(cleanMetrics, attacks, lipschitz, new PerImageValues(data.Files, data.Labels, clean, perEpsilon), settings);
    }

    public static IReadOnlyList<LipschitzOutputKind> OutputsFor(IAttackTarget target, RobustnessOptions options) =>
        target is EnsembleTarget ? [LipschitzOutputKind.Probabilities] : options.NetLipschitzOutputs;

    /// <summary>
    /// FGSM, PGD and the Lipschitz search on one batch. The random generators are seeded per (eps, batch), so a batch's
    /// result does not depend on which batches or targets ran before it: a resumed run equals an uninterrupted one.
    /// </summary>
    private static AttackBatchRecord AttackBatch(IAttackTarget target, RobustnessData data, int[] batch, double epsilon, int e, int b,
        IReadOnlyList<LipschitzOutputKind> outputs, RobustnessOptions options, string fingerprint)
    {
        using var scope = NewDisposeScope();
        ulong seed = (ulong)options.Seed * 1_000_003UL + (ulong)e * 65_537UL + (ulong)b * 2UL;
        using var pgdGenerator = new Generator(seed);
        using var lipGenerator = new Generator(seed + 1);
        var gray = data.Gray(batch);
        var labels = data.LabelTensor(batch);
        var fgsm = Attacks.FgsmOutcome(target, gray, labels, epsilon).RobustCorrect;
        var pgd = Attacks.Pgd(target, gray, labels, epsilon, options.Pgd, pgdGenerator);
        var lipschitz = outputs.ToDictionary(Name, o => (IReadOnlyList<double>)LipschitzEstimator.Estimate(target, gray, epsilon, o, options.Lipschitz, lipGenerator).ToArray());
        return new AttackBatchRecord(fingerprint, e, b, fgsm, pgd.RobustCorrect, pgd.WorstTbProbability, lipschitz);
    }

    private static List<double> CleanScores(IAttackTarget target, RobustnessData data, int batchSize)
    {
        var scores = new List<double>(data.Count);
        foreach (var batch in Enumerable.Range(0, data.Count).Chunk(batchSize))
        {
            using var scope = NewDisposeScope();
            scores.AddRange(Attacks.TbProbabilities(target, data.Gray(batch)).data<float>().Select(p => (double)p));
        }

        return scores;
    }

    public static string Name(LipschitzOutputKind kind) => kind == LipschitzOutputKind.Logits ? "logits" : "probabilities";

    public static bool IsCorrect(double tbProbability, bool isTb, double threshold) => (tbProbability >= threshold) == isTb;

    public static CleanMetrics Clean(IReadOnlyList<double> scores, IReadOnlyList<bool> labels, double threshold, string source)
    {
        var estimate = DeLong.Estimate(new ScoredCases(scores, labels));
        int tb = labels.Count(l => l), nonTb = labels.Count - tb;
        int truePositives = Enumerable.Range(0, scores.Count).Count(i => labels[i] && scores[i] >= threshold);
        int trueNegatives = Enumerable.Range(0, scores.Count).Count(i => !labels[i] && scores[i] < threshold);
        return new CleanMetrics(estimate.Auc, estimate.CiLow is double low && estimate.CiHigh is double high ? [low, high] : null, "delong", source, scores.Count,
            (truePositives + trueNegatives) / (double)scores.Count,
            tb > 0 ? truePositives / (double)tb : double.NaN,
            nonTb > 0 ? trueNegatives / (double)nonTb : double.NaN);
    }
}

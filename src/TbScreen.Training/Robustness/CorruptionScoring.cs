using TbScreen.Imaging;
using TbScreen.Inference.Ensembles;

namespace TbScreen.Training.Robustness;

/// <summary>
/// Natural-corruption evaluation through ONNX Runtime (what screening runs): each bundle's P(TB) on every corrupted
/// image is computed once and cached, and the ensemble combines the cached member scores with its own policy.
/// </summary>
public sealed class CorruptionScoring(RobustnessData data, int seed, Action<string>? progress = null)
{
    private readonly Dictionary<(string Bundle, CorruptionKind Kind, int Severity), double[]> cache = [];

    /// <summary>Severity 0 is the clean image.</summary>
    public static IEnumerable<(CorruptionKind Kind, int Severity)> Grid() =>
        Enum.GetValues<CorruptionKind>().SelectMany(k => Enumerable.Range(1, Corruptions.Severities).Select(s => (k, s)));

    /// <summary>P(TB) of the clean images through ONNX Runtime (the shipped path).</summary>
    public double[] Clean(LoadedBundle bundle) => Scores(bundle, CorruptionKind.GaussianNoise, 0);

    public double[] Clean(EnsembleDefinition definition, IReadOnlyList<LoadedBundle> members)
    {
        var policy = new EnsemblePolicy(definition);
        var memberScores = members.Select(Clean).ToArray();
        return Enumerable.Range(0, data.Count)
            .Select(i => policy.Decide(members.Select((m, j) => new MemberScore(m.Name, memberScores[j][i], m.Bundle.Threshold)).ToArray()).Probability)
            .ToArray();
    }

    public IReadOnlyList<CorruptionResult> ForBundle(LoadedBundle bundle) =>
        Results(Grid().Select(g => (g.Kind, g.Severity, Scores(bundle, g.Kind, g.Severity))).Prepend((CorruptionKind.GaussianNoise, 0, Scores(bundle, CorruptionKind.GaussianNoise, 0))), bundle.Target.Threshold);

    public IReadOnlyList<CorruptionResult> ForEnsemble(EnsembleDefinition definition, IReadOnlyList<LoadedBundle> members)
    {
        var policy = new EnsemblePolicy(definition);
        double[] Combine(CorruptionKind kind, int severity)
        {
            var memberScores = members.Select(m => Scores(m, kind, severity)).ToArray();
            return Enumerable.Range(0, data.Count)
                .Select(i => policy.Decide(members.Select((m, j) => new MemberScore(m.Name, memberScores[j][i], m.Bundle.Threshold)).ToArray()).Probability)
                .ToArray();
        }

        return Results(Grid().Select(g => (g.Kind, g.Severity, Combine(g.Kind, g.Severity))).Prepend((CorruptionKind.GaussianNoise, 0, Combine(CorruptionKind.GaussianNoise, 0))), definition.Threshold);
    }

    private IReadOnlyList<CorruptionResult> Results(IEnumerable<(CorruptionKind Kind, int Severity, double[] Scores)> grid, double threshold) =>
        grid.Select(g =>
        {
            var metrics = RobustnessEvaluator.Clean(g.Scores, data.Labels, threshold, "onnxruntime");
            return g.Severity == 0
                ? new CorruptionResult("none", 0, 0, "clean image (ONNX Runtime)", metrics.Auc, metrics.Accuracy)
                : new CorruptionResult(Name(g.Kind), g.Severity, Corruptions.Parameter(g.Kind, g.Severity), Corruptions.Describe(g.Kind), metrics.Auc, metrics.Accuracy);
        }).ToArray();

    public static string Name(CorruptionKind kind) => kind switch
    {
        CorruptionKind.GaussianNoise => "gaussian-noise",
        CorruptionKind.Downsample => "downsample",
        _ => kind.ToString().ToLowerInvariant(),
    };

    private double[] Scores(LoadedBundle bundle, CorruptionKind kind, int severity)
    {
        var key = (bundle.Name, severity == 0 ? CorruptionKind.GaussianNoise : kind, severity);
        if (!cache.TryGetValue(key, out var scores))
        {
            var planes = Planes(kind, severity);
            var inputs = planes.Select(p => RadiographPipeline.ToModelInput(p, bundle.Contract)).ToArray();
            scores = bundle.Onnx.Predict(inputs).Select(p => (double)p.TbProbability).ToArray();
            cache[key] = scores;
            progress?.Invoke($"{bundle.Name}: corruption {(severity == 0 ? "none" : Name(kind))} severity {severity} done");
        }

        return scores;
    }

    private float[][] Planes(CorruptionKind kind, int severity)
    {
        if (severity == 0)
        {
            return data.Planes;
        }

        // Recomputed per bundle rather than kept: all of them would take ~0.8 GB, and they are cheap next to inference.
        var planes = new float[data.Count][];
        Parallel.For(0, data.Count, i => planes[i] = Corruptions.Apply(data.Planes[i], data.Size, kind, severity, seed, i));
        return planes;
    }
}

namespace TbScreen.Training.Robustness;

/// <summary>Pruned minus dense on the same images: the Lipschitz estimate and PGD robustness, with paired bootstrap CIs.</summary>
public static class PruningComparisons
{
    public static PruningComparison? Compare(RobustnessReport dense, RobustnessReport pruned, int replicates = 2000, int seed = 7)
    {
        ArgumentNullException.ThrowIfNull(dense);
        ArgumentNullException.ThrowIfNull(pruned);
        if (dense.PerImage is null || pruned.PerImage is null)
        {
            return null;
        }

        // Pair on the images both attacked (a run may attack a shorter prefix of the same balanced subset).
        var denseIndex = dense.PerImage.Files.Select((f, i) => (f, i)).ToDictionary(t => t.f, t => t.i);
        var pairs = pruned.PerImage.Files.Select((f, i) => (Pruned: i, Dense: denseIndex.GetValueOrDefault(f, -1))).Where(p => p.Dense >= 0).ToArray();
        if (pairs.Length < 2)
        {
            return null;
        }

        IReadOnlyList<T> Dense<T>(IReadOnlyList<T> values) => pairs.Select(p => values[p.Dense]).ToArray();
        IReadOnlyList<T> Pruned<T>(IReadOnlyList<T> values) => pairs.Select(p => values[p.Pruned]).ToArray();

        var lipschitz = new List<PairedDifference>();
        var robust = new List<PairedDifference>();
        foreach (var p in pruned.PerImage.ByEpsilon)
        {
            var d = dense.PerImage.ByEpsilon.FirstOrDefault(x => Math.Abs(x.Epsilon - p.Epsilon) < 1e-12);
            if (d is null)
            {
                continue;
            }

            foreach (var (output, prunedValues) in p.Lipschitz)
            {
                if (d.Lipschitz.TryGetValue(output, out var denseValues))
                {
                    lipschitz.Add(Paired(p.Epsilon, $"lipschitz-{output}", Dense(denseValues), Pruned(prunedValues), replicates, seed));
                }
            }

            robust.Add(Paired(p.Epsilon, "pgd-robust-accuracy", Dense(d.PgdRobust).Select(b => b ? 1.0 : 0.0).ToArray(), Pruned(p.PgdRobust).Select(b => b ? 1.0 : 0.0).ToArray(), replicates, seed));
        }

        return new PruningComparison(dense.Target, pairs.Length, lipschitz, robust);
    }

    private static PairedDifference Paired(double epsilon, string measure, IReadOnlyList<double> dense, IReadOnlyList<double> pruned, int replicates, int seed)
    {
        var differences = pruned.Zip(dense, (p, d) => p - d).ToArray();
        return new PairedDifference(epsilon, measure, dense.Average(), pruned.Average(), differences.Average(), Bootstrap.MeanCi(differences, replicates, seed));
    }
}

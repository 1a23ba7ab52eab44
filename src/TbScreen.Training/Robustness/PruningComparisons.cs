namespace TbScreen.Training.Robustness;

/// <summary>Pruned minus dense on the same images: the Lipschitz estimate and PGD robustness, with paired bootstrap CIs.</summary>
public static class PruningComparisons
{
    public static PruningComparison? Compare(RobustnessReport dense, RobustnessReport pruned, int replicates = 2000, int seed = 7)
    {
        ArgumentNullException.ThrowIfNull(dense);
        ArgumentNullException.ThrowIfNull(pruned);
        if (!dense.PerImage.Files.SequenceEqual(pruned.PerImage.Files))
        {
            return null; // different images: no pairing possible
        }

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
                    lipschitz.Add(Paired(p.Epsilon, $"lipschitz-{output}", denseValues, prunedValues, replicates, seed));
                }
            }

            robust.Add(Paired(p.Epsilon, "pgd-robust-accuracy", d.PgdRobust.Select(b => b ? 1.0 : 0.0).ToArray(), p.PgdRobust.Select(b => b ? 1.0 : 0.0).ToArray(), replicates, seed));
        }

        return new PruningComparison(dense.Target, lipschitz, robust);
    }

    private static PairedDifference Paired(double epsilon, string measure, IReadOnlyList<double> dense, IReadOnlyList<double> pruned, int replicates, int seed)
    {
        var differences = pruned.Zip(dense, (p, d) => p - d).ToArray();
        return new PairedDifference(epsilon, measure, dense.Average(), pruned.Average(), differences.Average(), Bootstrap.MeanCi(differences, replicates, seed));
    }
}

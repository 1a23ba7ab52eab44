namespace TbScreen.Training.Pruning;

/// <summary>A chosen round: which run (method) and which round of it.</summary>
public sealed record PrunedChoice(PruningRunRecord Run, PruningRound Round, double DenseValidationAuc, double Tolerance);

/// <summary>
/// The shipping rule: the highest compression whose validation AUC is at least the dense model's minus the tolerance
/// (ties: the higher validation AUC). Only validation AUC decides; test AUC is reported, never used to choose.
/// </summary>
public static class PruningSelection
{
    public static PrunedChoice? Select(IReadOnlyList<PruningRunRecord> runs, double tolerance)
    {
        ArgumentNullException.ThrowIfNull(runs);
        ArgumentOutOfRangeException.ThrowIfNegative(tolerance);
        PrunedChoice? best = null;
        foreach (var run in runs)
        {
            if (BestOf(run, tolerance) is { } round && (best is null || Better(round, best.Round)))
            {
                best = new PrunedChoice(run, round, run.Rounds[0].Validation.Auc!.Value, tolerance);
            }
        }

        return best;
    }

    /// <summary>The run's most compressed pruned round within tolerance of its round 0, or null.</summary>
    public static PruningRound? BestOf(PruningRunRecord run, double tolerance)
    {
        if (run.Rounds.Count < 2 || run.Rounds[0].Validation.Auc is not double dense)
        {
            return null;
        }

        return run.Rounds.Skip(1)
            .Where(r => r.Validation.Auc is double auc && auc >= dense - tolerance)
            .OrderByDescending(r => r.Compression)
            .ThenByDescending(r => r.Validation.Auc)
            .FirstOrDefault();
    }

    private static bool Better(PruningRound candidate, PruningRound incumbent) =>
        candidate.Compression > incumbent.Compression ||
        (candidate.Compression == incumbent.Compression && candidate.Validation.Auc > incumbent.Validation.Auc);
}

namespace TbScreen.Training.Pruning;

/// <summary>
/// A chosen round: which run (method) and which round of it. <paramref name="FixedRound"/>: named by `--round`, not chosen
/// by the rule (a model trained on train + validation has no validation AUC to choose by).
/// </summary>
public sealed record PrunedChoice(PruningRunRecord Run, PruningRound Round, double? DenseValidationAuc, double Tolerance, bool FixedRound = false);

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

    /// <summary>
    /// Round <paramref name="round"/> of the one run, whatever its validation AUC: the same round for every fold model and
    /// the final model, so that the folds' out-of-fold predictions describe the exported model.
    /// </summary>
    public static PrunedChoice AtRound(IReadOnlyList<PruningRunRecord> runs, int round, double tolerance)
    {
        ArgumentNullException.ThrowIfNull(runs);
        if (runs.Count != 1)
        {
            throw new ArgumentException($"--round picks a round of one method; {runs.Count} methods ran (pass one --method)");
        }

        var run = runs[0];
        var chosen = run.Rounds.FirstOrDefault(r => r.Round == round)
            ?? throw new ArgumentException($"--round {round}: the {run.Method} run has rounds 0-{run.Rounds.Count - 1}");
        return new PrunedChoice(run, chosen, run.Rounds[0].Validation.Auc, tolerance, FixedRound: true);
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

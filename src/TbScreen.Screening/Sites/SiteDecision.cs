using TbScreen.Inference.Ensembles;

namespace TbScreen.Screening.Sites;

/// <summary>
/// The ensemble's decision re-taken at a site's threshold: the same member scores through the same policy with only
/// the ensemble threshold replaced, so "tb" means probability &gt;= the site threshold and "uncertain" means within
/// the shipped band of it. Disagreement is unchanged (each member keeps its own shipped threshold).
/// </summary>
public static class SiteDecision
{
    public static EnsembleDecision Apply(EnsembleDecision decision, EnsemblePolicy shipped, double threshold)
    {
        ArgumentNullException.ThrowIfNull(decision);
        ArgumentNullException.ThrowIfNull(shipped);
        if (!double.IsFinite(threshold) || threshold is < 0 or > 1)
        {
            throw new ArgumentOutOfRangeException(nameof(threshold), threshold, "a site threshold must be in [0, 1]");
        }

        if (threshold == shipped.Definition.Threshold)
        {
            return decision;
        }

        var redecided = new EnsemblePolicy(shipped.Definition with { Threshold = threshold }).Decide(decision.Members);
        if (decision.Stability is not { } finding)
        {
            return redecided;
        }

        // The stability search's worst case is re-read against the new threshold: does it cross this one?
        bool flipped = finding.WorstProbability >= threshold != redecided.IsTb;
        return EnsemblePolicy.WithStability(redecided, finding with { Flipped = flipped });
    }
}

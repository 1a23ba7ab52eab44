namespace TbScreen.Inference.Ensembles;

/// <summary>
/// Pure decision logic: combines member probabilities, decides (probability &gt;= threshold) and flags cases for a
/// radiologist. No I/O, no ONNX: evaluate, screen and the web pipeline all call this one place.
/// </summary>
public sealed class EnsemblePolicy
{
    private readonly EnsembleDefinition definition;

    public EnsemblePolicy(EnsembleDefinition definition)
    {
        ArgumentNullException.ThrowIfNull(definition);
        var problems = definition.Problems();
        if (problems.Count > 0)
        {
            throw new ArgumentException("Invalid ensemble definition: " + string.Join("; ", problems), nameof(definition));
        }

        this.definition = definition;
    }

    public EnsembleDefinition Definition => definition;

    /// <summary>Members must be given in the definition's order, each with its own shipped threshold.</summary>
    public EnsembleDecision Decide(IReadOnlyList<MemberScore> members)
    {
        ArgumentNullException.ThrowIfNull(members);
        if (members.Count != definition.Members.Count)
        {
            throw new ArgumentException($"Expected {definition.Members.Count} member scores, got {members.Count}.", nameof(members));
        }

        for (int i = 0; i < members.Count; i++)
        {
            if (members[i].Name != definition.Members[i].Bundle)
            {
                throw new ArgumentException($"Member {i} is '{members[i].Name}', expected '{definition.Members[i].Bundle}'.", nameof(members));
            }

            if (members[i].Probability is < 0 or > 1 || double.IsNaN(members[i].Probability))
            {
                throw new ArgumentException($"Member '{members[i].Name}' probability {members[i].Probability} is not in [0, 1].", nameof(members));
            }
        }

        double probability = Combine(members);
        var flags = FlagReasons.None;
        if (members.Any(m => m.CalledTb) && members.Any(m => !m.CalledTb))
        {
            flags |= FlagReasons.Disagreement;
        }

        // Band 0 switches the rule off rather than flagging exact hits on the threshold.
        if (definition.UncertaintyBand > 0 && Math.Abs(probability - definition.Threshold) <= definition.UncertaintyBand)
        {
            flags |= FlagReasons.Uncertain;
        }

        return new EnsembleDecision(probability, definition.Threshold, probability >= definition.Threshold, flags, members);
    }

    /// <summary>Adds the stability check's finding, and the "unstable" flag when it flipped the call.</summary>
    public static EnsembleDecision WithStability(EnsembleDecision decision, Stability.StabilityFinding finding)
    {
        ArgumentNullException.ThrowIfNull(decision);
        ArgumentNullException.ThrowIfNull(finding);
        return decision with { Flags = finding.Flipped ? decision.Flags | FlagReasons.Unstable : decision.Flags, Stability = finding };
    }

    /// <summary>
    /// Adds the ensemble's unfamiliarity (<see cref="UnfamiliarityOf"/>) and the "unfamiliar" flag when it exceeds 1.
    /// Null (no member has a detector) leaves the decision as it is.
    /// </summary>
    public static EnsembleDecision WithUnfamiliarity(EnsembleDecision decision, double? unfamiliarity)
    {
        ArgumentNullException.ThrowIfNull(decision);
        if (unfamiliarity is not double score) return decision;
        // NaN features (a broken input or graph) are not evidence of a familiar image.
        bool unfamiliar = score > 1 || double.IsNaN(score);
        return decision with { Flags = unfamiliar ? decision.Flags | FlagReasons.Unfamiliar : decision.Flags, Unfamiliarity = score };
    }

    /// <summary>
    /// The maximum over members of distance/threshold, each member's own. The maximum, not the mean: each member's
    /// threshold already admits only (1 − quantile) of familiar validation images, and an image one network has never
    /// seen the like of is unfamiliar even if the other's features happen to look ordinary; averaging would let a
    /// member without strong evidence dilute the one that has it. Members without a detector are skipped.
    /// </summary>
    public static double? UnfamiliarityOf(IEnumerable<double?> memberScores)
    {
        ArgumentNullException.ThrowIfNull(memberScores);
        double? worst = null;
        foreach (double? score in memberScores)
        {
            if (score is double s && (worst is null || s > worst || double.IsNaN(s))) worst = s;
            if (worst is double w && double.IsNaN(w)) break;
        }

        return worst;
    }

    private double Combine(IReadOnlyList<MemberScore> members)
    {
        if (definition.Rule == EnsembleDefinition.MeanRule)
        {
            return members.Average(m => m.Probability);
        }

        double weighted = 0;
        double total = 0;
        for (int i = 0; i < members.Count; i++)
        {
            weighted += definition.Members[i].Weight * members[i].Probability;
            total += definition.Members[i].Weight;
        }

        return weighted / total;
    }
}

namespace TbScreen.Audit;

/// <summary>The fairness gaps reported for each group against its attribute's reference group.</summary>
public static class GapNames
{
    /// <summary>TPR(group) - TPR(reference).</summary>
    public const string EqualOpportunity = "equalOpportunity";

    /// <summary>max(|TPR gap|, |FPR gap|) over the gaps that are defined.</summary>
    public const string EqualisedOdds = "equalisedOdds";

    /// <summary>Positive-call rate(group) - positive-call rate(reference).</summary>
    public const string DemographicParity = "demographicParity";
}

/// <summary>
/// One gap between a group and the reference group of the same attribute, with its seeded bootstrap CI and the
/// smallest difference these group sizes could detect (alpha 0.05, power 0.8). Value is null, with a note, when the
/// rates it needs are undefined; <see cref="Interpretable"/> is false when either group is below the minimum n.
/// </summary>
public sealed record GapMetrics(
    string Attribute,
    string Group,
    string Reference,
    string Metric,
    double? Value,
    double[]? Ci,
    double? MinimumDetectableDifference,
    bool Interpretable,
    string? Note);

using System.Globalization;
using TbScreen.Inference.Ensembles;

namespace TbScreen.Screening;

/// <summary>The stable strings an <see cref="EnsembleDecision"/> becomes in CSV, JSON, the store and the API.</summary>
public static class DecisionText
{
    public const string Tb = "tb";
    public const string NotTb = "not-tb";
    public const string NoFlag = "none";

    public static string Decision(EnsembleDecision decision) => decision.IsTb ? Tb : NotTb;

    /// <summary>What the "lungs-not-found", "inverted" and "unfamiliar" flags mean, for people.</summary>
    public const string LungsNotFoundReason = "lungs not found: no plausible pair of lungs in the image; often not a frontal chest X-ray";

    public const string InvertedReason = "looks inverted: the lungs are found with more confidence in the film's negative; often a MONOCHROME1 image exported without inversion, so check the export before trusting the scores";

    public const string UnfamiliarReason = "unfamiliar image: unlike the training radiographs; often not a frontal chest X-ray or an unusual acquisition";

    /// <summary>none, or the fired rules joined by '+': disagreement, uncertain, unstable, unfamiliar, lungs-not-found, inverted.</summary>
    public static string Flag(EnsembleDecision decision) => decision.Flagged ? string.Join('+', decision.FlagNames) : NoFlag;

    /// <summary>A sentence a radiologist can read: which rule fired and on which numbers.</summary>
    public static string Reason(EnsembleDecision decision)
    {
        var reasons = new List<string>();
        if (decision.Flags.HasFlag(FlagReasons.Disagreement))
        {
            reasons.Add("members disagree: " + string.Join(", ", decision.Members.Select(m => $"{m.Name} {(m.CalledTb ? Tb : NotTb)} ({P(m.Probability)} vs {P(m.Threshold)})")));
        }

        if (decision.Flags.HasFlag(FlagReasons.Uncertain))
        {
            reasons.Add($"ensemble {P(decision.Probability)} is within the uncertainty band of threshold {P(decision.Threshold)}");
        }

        if (decision.Flags.HasFlag(FlagReasons.Unstable) && decision.Stability is { } stability)
        {
            reasons.Add($"unstable: a change of at most {stability.Epsilon * 255:0.#} grey levels per pixel (invisible) moves the ensemble to {P(stability.WorstProbability)}, across threshold {P(decision.Threshold)}");
        }

        if (decision.Flags.HasFlag(FlagReasons.LungsNotFound))
        {
            reasons.Add(LungsNotFoundReason);
        }

        if (decision.Flags.HasFlag(FlagReasons.Inverted))
        {
            reasons.Add(InvertedReason);
        }

        if (decision.Flags.HasFlag(FlagReasons.Unfamiliar))
        {
            reasons.Add($"{UnfamiliarReason} (score {decision.Unfamiliarity?.ToString("0.00", CultureInfo.InvariantCulture)}, above 1 is unfamiliar)");
        }

        return reasons.Count > 0
            ? string.Join("; ", reasons) + "; refer to a radiologist"
            : $"members agree and ensemble {P(decision.Probability)} is {(decision.IsTb ? ">=" : "<")} threshold {P(decision.Threshold)}";
    }

    private static string P(double value) => value.ToString("0.0000", CultureInfo.InvariantCulture);
}

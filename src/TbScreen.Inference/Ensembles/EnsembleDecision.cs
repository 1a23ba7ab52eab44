namespace TbScreen.Inference.Ensembles;

/// <summary>Why a case goes to a radiologist; several may fire at once.</summary>
[Flags]
public enum FlagReasons
{
    None = 0,

    /// <summary>Members fall on different sides of their own thresholds (Lakhani &amp; Sundaram 2017).</summary>
    Disagreement = 1,

    /// <summary>The ensemble probability lies within the uncertainty band around the ensemble threshold.</summary>
    Uncertain = 2,

    /// <summary>The stability check found a perturbation of at most eps per pixel that flips the call (docs/robustness.md).</summary>
    Unstable = 4,
}

/// <summary>One member's TB probability against its own shipped threshold.</summary>
public sealed record MemberScore(string Name, double Probability, double Threshold)
{
    public bool CalledTb => Probability >= Threshold;
}

/// <summary>The ensemble's call on one case, and which flag rules fired.</summary>
public sealed record EnsembleDecision(double Probability, double Threshold, bool IsTb, FlagReasons Flags, IReadOnlyList<MemberScore> Members)
{
    /// <summary>The stability check's finding; null when the check is off.</summary>
    public Stability.StabilityFinding? Stability { get; init; }

    public bool Flagged => Flags != FlagReasons.None;

    /// <summary>"disagreement", "uncertain", "unstable" (in that order, any combination), or empty: stable names for JSON and the CLI.</summary>
    public IReadOnlyList<string> FlagNames =>
    [
        .. Flags.HasFlag(FlagReasons.Disagreement) ? ["disagreement"] : Array.Empty<string>(),
        .. Flags.HasFlag(FlagReasons.Uncertain) ? ["uncertain"] : Array.Empty<string>(),
        .. Flags.HasFlag(FlagReasons.Unstable) ? ["unstable"] : Array.Empty<string>(),
    ];
}

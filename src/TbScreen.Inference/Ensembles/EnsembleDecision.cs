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

    /// <summary>
    /// The image is unlike the training radiographs: some member's out-of-distribution distance exceeds its ood.json
    /// threshold (often not a frontal chest X-ray, or an unusual acquisition).
    /// </summary>
    Unfamiliar = 8,

    /// <summary>The lung segmenter found no plausible pair of lungs: often not a frontal chest X-ray.</summary>
    LungsNotFound = 16,

    /// <summary>
    /// The film looks like a photographic negative: the lung segmenter is surer of the lungs in its inverted copy
    /// (often a MONOCHROME1 image exported without inversion). The scores describe a film the models never learned.
    /// </summary>
    Inverted = 32,
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

    /// <summary>
    /// The largest member distance/threshold of the out-of-distribution detectors (above 1: unfamiliar); null when no
    /// member has features and ood.json.
    /// </summary>
    public double? Unfamiliarity { get; init; }

    public bool Flagged => Flags != FlagReasons.None;

    /// <summary>"disagreement", "uncertain", "unstable", "unfamiliar", "lungs-not-found", "inverted" (in that order, any combination), or empty: stable names for JSON and the CLI.</summary>
    public IReadOnlyList<string> FlagNames =>
    [
        .. Flags.HasFlag(FlagReasons.Disagreement) ? ["disagreement"] : Array.Empty<string>(),
        .. Flags.HasFlag(FlagReasons.Uncertain) ? ["uncertain"] : Array.Empty<string>(),
        .. Flags.HasFlag(FlagReasons.Unstable) ? ["unstable"] : Array.Empty<string>(),
        .. Flags.HasFlag(FlagReasons.Unfamiliar) ? ["unfamiliar"] : Array.Empty<string>(),
        .. Flags.HasFlag(FlagReasons.LungsNotFound) ? ["lungs-not-found"] : Array.Empty<string>(),
        .. Flags.HasFlag(FlagReasons.Inverted) ? ["inverted"] : Array.Empty<string>(),
    ];
}

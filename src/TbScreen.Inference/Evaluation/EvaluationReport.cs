namespace TbScreen.Inference.Evaluation;

/// <summary>Discrimination and operating-point metrics of one score (a member or the ensemble) on one group of cases.</summary>
public sealed record ScoreMetrics
{
    public double? Auc { get; init; }

    /// <summary>[low, high], DeLong 95%; null with <see cref="Auc"/>.</summary>
    public double[]? AucCi { get; init; }

    /// <summary>Why AUC is null (a single class), else null.</summary>
    public string? AucNullReason { get; init; }

    /// <summary>The shipped threshold the rates below are measured at.</summary>
    public double Threshold { get; init; }

    public double? Sensitivity { get; init; }

    public double? Specificity { get; init; }

    public double? Ppv { get; init; }

    public double? Npv { get; init; }

    public int TruePositives { get; init; }

    public int FalsePositives { get; init; }

    public int TrueNegatives { get; init; }

    public int FalseNegatives { get; init; }

    /// <summary>10-bin expected calibration error of the probability.</summary>
    public double? Ece { get; init; }
}

/// <summary>All metrics for one group of cases (everything, one source, or the sources that hold both classes).</summary>
public record GroupMetrics
{
    public int N { get; init; }

    public int Tb { get; init; }

    public int NonTb { get; init; }

    /// <summary>Per member bundle, in ensemble order.</summary>
    public IReadOnlyDictionary<string, ScoreMetrics> Models { get; init; } = new Dictionary<string, ScoreMetrics>();

    public ScoreMetrics Ensemble { get; init; } = new();

    /// <summary>Fraction of cases where members fall on different sides of their own thresholds (Lakhani's rule).</summary>
    public double? DisagreementRate { get; init; }

    /// <summary>Fraction in the ensemble's uncertainty band.</summary>
    public double? UncertainRate { get; init; }

    /// <summary>Share of cases flagged "unfamiliar" (0 when no member has an ood.json).</summary>
    public double? UnfamiliarRate { get; init; }

    /// <summary>Fraction flagged by any rule: the radiologist's workload.</summary>
    public double? FlaggedRate { get; init; }

    /// <summary>Ensemble accuracy on the cases where the members agree.</summary>
    public double? AgreedAccuracy { get; init; }

    /// <summary>Accuracy if every flagged case (any rule) is read correctly by a radiologist (Lakhani's analysis).</summary>
    public double? RadiologistAugmentedAccuracy { get; init; }

    public double? RadiologistAugmentedSensitivity { get; init; }

    public double? RadiologistAugmentedSpecificity { get; init; }
}

/// <summary>metrics.json: the group metrics of the whole set at the top level, then per source and for the sources that hold both classes.</summary>
public sealed record EvaluationReport : GroupMetrics
{
    public EvaluationReport(GroupMetrics overall)
        : base(overall)
    {
    }

    public string Note { get; init; } = "Research use only. On data whose classes come from different sources, AUC measures source separation as much as TB; see bySource and bothClassSources.";

    public string AucCiMethod { get; init; } = "delong-95";

    /// <summary>Views each member scored per image and averaged: 1 for the image alone, more with the ensemble's test-time augmentation.</summary>
    public int TestTimeViews { get; init; } = 1;

    public IReadOnlyDictionary<string, GroupMetrics> BySource { get; init; } = new Dictionary<string, GroupMetrics>();

    /// <summary>Only the cases whose source holds both TB and non-TB images: the cross-source shortcut cannot score here. Null when no source does.</summary>
    public GroupMetrics? BothClassSources { get; init; }

    public IReadOnlyList<string> BothClassSourceNames { get; init; } = [];

    /// <summary>Non-TB cases by finding: "noFinding" and "otherFindings" (specificity on each); null when the manifest has no finding_labels.</summary>
    public IReadOnlyDictionary<string, GroupMetrics>? NegativesByFinding { get; init; }

    public IReadOnlyList<CaseFailure> Failures { get; init; } = [];
}

/// <summary>An image that could not be screened; excluded from every metric.</summary>
public sealed record CaseFailure(string File, string Error);

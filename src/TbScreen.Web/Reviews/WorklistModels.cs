namespace TbScreen.Web.Reviews;

/// <summary>Worklist filters; null means "any". Sort: screened, score, file, flag.</summary>
public sealed record WorklistFilter
{
    /// <summary>flagged (any flag), none, or one flag name (disagreement, uncertain).</summary>
    public string? Flag { get; init; }

    /// <summary>tb or not-tb.</summary>
    public string? Decision { get; init; }

    /// <summary>true: reviewed cases only; false: unreviewed only.</summary>
    public bool? Reviewed { get; init; }

    /// <summary>A substring of the file name.</summary>
    public string? Search { get; init; }

    public string Sort { get; init; } = WorklistSorts.Screened;

    public bool Descending { get; init; } = true;

    public int Skip { get; init; }

    public int Take { get; init; } = 100;
}

public static class WorklistSorts
{
    public const string Screened = "screened";
    public const string Score = "score";
    public const string File = "file";
    public const string Flag = "flag";

    public static IReadOnlyList<string> All { get; } = [Screened, Score, File, Flag];
}

/// <summary>One worklist row: the screening result and its latest review, if any.</summary>
public sealed record WorklistItem(
    long ResultId,
    string FileName,
    DateTime ScreenedAt,
    double? Ensemble,
    double? AlexNet,
    double? GoogLeNet,
    string Decision,
    string Flag,
    string? FlagReason,
    string ModelVersion,
    LatestReview? Review);

public sealed record LatestReview(string Read, string? FinalLabel, string? Note, string Reviewer, DateTime ReviewedAt);

public sealed record WorklistPage(int Total, IReadOnlyList<WorklistItem> Items);

/// <summary>
/// Flagged = the ensemble flagged the case for a radiologist; resolved = flagged and reviewed. Accuracy is measured
/// on cases whose latest review gives a final label of tb or not-tb (indeterminate reads are left out), against that
/// label: model-only uses the model's decision everywhere; radiologist-augmented replaces it with the radiologist's
/// final label on flagged cases (what a site gets when every flagged case goes to a radiologist). Null when no case
/// has a final read.
/// </summary>
public sealed record ReviewStatistics(
    int Screened,
    int Flagged,
    int Resolved,
    int Positive,
    int WithFinalRead,
    int FlaggedWithFinalRead,
    double? ModelAccuracy,
    double? AugmentedAccuracy);

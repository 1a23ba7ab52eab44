namespace TbScreen.Web.Components.Models;

/// <summary>
/// One case on the radiologist's worklist. <see cref="Reason"/> is the flag text ("disagreement+uncertain",
/// "none" for an unflagged positive); <see cref="FinalLabel"/> is set once a radiologist resolved it.
/// </summary>
public sealed record WorklistRow
{
    public required string Id { get; init; }
    public required string FileName { get; init; }
    public DateTimeOffset ScreenedAt { get; init; }
    public double? Ensemble { get; init; }
    public string? Decision { get; init; }
    public bool Flagged { get; init; }
    public string Reason { get; init; } = "";
    public string? FinalLabel { get; init; }

    public bool Resolved => FinalLabel is not null;
    public string Status => Resolved ? "resolved" : "unresolved";
}

public enum WorklistScope { All, Flagged, Positive }

public enum ResolutionFilter { Any, Unresolved, Resolved }

public enum WorklistSortColumn { Date, Score, Reason, Status }

namespace TbScreen.Web.Components.Models;

/// <summary>A batch job's state (queued, running, completed, cancelled) and counts; failures by status code.</summary>
public sealed record JobProgressView(string State, int Done, int Total, int Failed, IReadOnlyDictionary<string, int>? FailedByCode = null)
{
    public bool Finished => State is "completed" or "cancelled";
}

/// <summary>
/// One file of a batch job. <see cref="Status"/> is "ok" or an error code; <see cref="Flag"/> as the API writes it
/// ("none", "disagreement", "disagreement+uncertain"); <see cref="ResultUrl"/> links to the result page.
/// </summary>
public sealed record JobResultRow
{
    public required string FileName { get; init; }
    public required string Status { get; init; }
    public string? Decision { get; init; }
    public string? Flag { get; init; }
    public double? Ensemble { get; init; }
    public string? Error { get; init; }
    public string? ResultUrl { get; init; }

    public bool IsError => Status != "ok";
    public bool Flagged => ResultView.ParseFlag(Flag).Count > 0;
}

public enum DecisionFilter { All, Tb, NotTb }

public enum FlagFilter { All, Flagged, NotFlagged }

public enum OutcomeFilter { All, Ok, Errors }

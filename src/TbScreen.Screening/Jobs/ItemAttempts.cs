namespace TbScreen.Screening.Jobs;

/// <summary>
/// The attempt limit of a batch item, shared by every host (CLI runs, web jobs): each attempt is committed before
/// screening starts, so a file that kills the whole process (a native decoder fault, out of memory) is counted even
/// though its result never arrives. After <see cref="Max"/> attempts the item is finished as processing-failed
/// instead of bringing the process down again on every resume.
/// </summary>
public static class ItemAttempts
{
    public const int Max = 3;

    /// <summary>True when the attempt just begun (1-based, this one included) is past the limit.</summary>
    public static bool Exhausted(int attempt) => attempt > Max;

    /// <summary>The outcome recorded for an item given up on; <paramref name="attempt"/> is the one just begun.</summary>
    public static ScreeningOutcome GaveUp(string source, int attempt, string modelVersion) => new()
    {
        Source = source,
        Status = ScreeningStatus.ProcessingFailed,
        Error = $"the process ended while screening this file {attempt - 1} times; not tried again",
        ModelVersion = modelVersion,
    };
}

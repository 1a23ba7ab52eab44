namespace TbScreen.Screening.Persistence.Entities;

/// <summary>One file of a job; (JobId, Path) is unique so adding the same file twice is a no-op.</summary>
public sealed class BatchJobItem
{
    public const string Pending = "pending";

    public long Id { get; set; }

    public long JobId { get; set; }

    public BatchJob? Job { get; set; }

    public required string Path { get; set; }

    public string? ContentSha256 { get; set; }

    /// <summary>pending, ok, or an error code.</summary>
    public required string Status { get; set; }

    public string? Error { get; set; }

    public long? ResultId { get; set; }

    public ScreeningResult? Result { get; set; }

    /// <summary>How many times a worker started this item; a file that kills the process shows up here.</summary>
    public int Attempts { get; set; }

    public DateTime UpdatedAt { get; set; }
}

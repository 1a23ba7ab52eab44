namespace TbScreen.Screening.Persistence.Entities;

/// <summary>
/// One DICOM object (a result's SR or heatmap Secondary Capture) waiting for, or done with, delivery to a PACS: the
/// outbox row. The object's bytes are in the content store under <see cref="ContentSha256"/>, so a restart resends
/// exactly what was built. A failed attempt keeps the row pending with the error and the time of the next try.
/// </summary>
public sealed class DicomDelivery
{
    public const string Pending = "pending";
    public const string Sent = "sent";

    public long Id { get; set; }

    public long ResultId { get; set; }

    public ScreeningResult? Result { get; set; }

    /// <summary>"sr" or "sc".</summary>
    public required string Kind { get; set; }

    /// <summary>AE@host:port of the destination.</summary>
    public required string Destination { get; set; }

    public required string SopInstanceUid { get; set; }

    public required string ContentSha256 { get; set; }

    /// <summary>pending or sent.</summary>
    public required string Status { get; set; }

    public int Attempts { get; set; }

    public string? LastError { get; set; }

    public DateTime CreatedAt { get; set; }

    public DateTime NextAttemptAt { get; set; }

    public DateTime? SentAt { get; set; }
}

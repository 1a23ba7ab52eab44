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

    /// <summary>Built for retrieval here (DICOMweb) only: no destination, never sent.</summary>
    public const string Kept = "kept";

    /// <summary>Sent, and the destination has committed to keeping it (Storage Commitment, PS3.4 J).</summary>
    public const string Committed = "committed";

    public long Id { get; set; }

    public long ResultId { get; set; }

    public ScreeningResult? Result { get; set; }

    /// <summary>"sr" or "sc".</summary>
    public required string Kind { get; set; }

    /// <summary>AE@host:port of the destination.</summary>
    public required string Destination { get; set; }

    public required string SopInstanceUid { get; set; }

    /// <summary>The object's study and series (DICOMweb looks objects up by them).</summary>
    public string StudyInstanceUid { get; set; } = "";

    public string SeriesInstanceUid { get; set; } = "";

    public required string ContentSha256 { get; set; }

    /// <summary>pending, sent, committed or kept.</summary>
    public required string Status { get; set; }

    public int Attempts { get; set; }

    public string? LastError { get; set; }

    public DateTime CreatedAt { get; set; }

    public DateTime NextAttemptAt { get; set; }

    public DateTime? SentAt { get; set; }

    /// <summary>The Storage Commitment transaction that last asked the destination about this object; null until asked.</summary>
    public string? CommitmentTransactionUid { get; set; }

    public DateTime? CommitmentRequestedAt { get; set; }

    /// <summary>When the destination reported it committed.</summary>
    public DateTime? CommittedAt { get; set; }
}

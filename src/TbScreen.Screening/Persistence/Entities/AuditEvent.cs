namespace TbScreen.Screening.Persistence.Entities;

/// <summary>Who did what to what, and when. Append-only.</summary>
public sealed class AuditEvent
{
    public long Id { get; set; }

    public DateTime At { get; set; }

    public required string Actor { get; set; }

    public required string Action { get; set; }

    public string? Target { get; set; }

    public string? Detail { get; set; }
}

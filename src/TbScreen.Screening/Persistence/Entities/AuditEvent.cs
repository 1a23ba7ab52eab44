namespace TbScreen.Screening.Persistence.Entities;

/// <summary>
/// Who did what to what, and when. Append-only and hash-chained (<see cref="AuditChain"/>): each sealed row stores
/// its place in the chain, the previous row's hash and its own, so an edited, removed or inserted row breaks the chain.
/// </summary>
public sealed class AuditEvent
{
    public long Id { get; set; }

    public DateTime At { get; set; }

    public required string Actor { get; set; }

    public required string Action { get; set; }

    public string? Target { get; set; }

    public string? Detail { get; set; }

    /// <summary>Place in the chain (1, 2, ...), given when the row is sealed; null until then.</summary>
    public long? Sequence { get; set; }

    /// <summary>The previous sealed row's <see cref="Hash"/> ("" for the first).</summary>
    public string? PrevHash { get; set; }

    /// <summary>SHA-256 (hex) of this row's fields and <see cref="PrevHash"/>.</summary>
    public string? Hash { get; set; }
}

namespace TbScreen.Screening.Persistence.Entities;

/// <summary>A screening site (a hospital, a clinic, a mobile unit) with its matching rules and its active profile version.</summary>
public sealed class Site
{
    public long Id { get; set; }

    /// <summary>Unique, as typed by the admin; matched case-insensitively.</summary>
    public required string Name { get; set; }

    /// <summary>JSON array of {kind, value} rules.</summary>
    public required string RulesJson { get; set; }

    /// <summary>The approved profile version results are decided with; null until an admin approves one.</summary>
    public int? ActiveVersion { get; set; }

    public required string CreatedBy { get; set; }

    public DateTime CreatedAt { get; set; }

    public List<SiteProfileVersion> Profiles { get; set; } = [];
}

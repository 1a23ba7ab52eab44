namespace TbScreen.Screening.Sites;

/// <summary>A site, its matching rules and its active profile (null until an admin approves one).</summary>
public sealed record SiteDefinition(string Name, IReadOnlyList<SiteRule> Rules, SiteProfile? Active);

namespace TbScreen.Screening.Sites;

/// <summary>Which site an image was assigned to, and by which rule ("chosen for the upload", "station: XR-2").</summary>
public sealed record SiteMatch(SiteDefinition Site, string MatchedBy);

/// <summary>
/// Assigns an image to a site. Precedence: the site chosen for the upload or job, then the calling AE title, then
/// Station Name, then Institution Name (the most specific source first: one hospital may run several stations with
/// different detectors). Several sites matching at the same level cannot happen through the store, which refuses a
/// rule another site already has; the engine still picks the first by ordinal name so the answer is deterministic.
/// </summary>
public sealed class SiteRuleEngine
{
    private static readonly SiteRuleKind[] Precedence = [SiteRuleKind.AeTitle, SiteRuleKind.Station, SiteRuleKind.Institution];

    private readonly IReadOnlyList<SiteDefinition> _sites;

    public SiteRuleEngine(IReadOnlyList<SiteDefinition> sites)
    {
        ArgumentNullException.ThrowIfNull(sites);
        _sites = sites.OrderBy(s => s.Name, StringComparer.Ordinal).ToArray();
    }

    public IReadOnlyList<SiteDefinition> Sites => _sites;

    /// <summary>The matching site, or null (the shipped threshold applies). Throws when the chosen site does not exist.</summary>
    public SiteMatch? Match(SiteContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (!string.IsNullOrWhiteSpace(context.ChosenSite))
        {
            var chosen = Find(context.ChosenSite)
                ?? throw new UnknownSiteException(context.ChosenSite, "was chosen for the upload or job but no site has that name");
            return new SiteMatch(chosen, "chosen for the upload or job");
        }

        foreach (var kind in Precedence)
        {
            string? attribute = kind switch
            {
                SiteRuleKind.AeTitle => context.CallingAeTitle,
                SiteRuleKind.Station => context.StationName,
                _ => context.InstitutionName,
            };
            foreach (var site in _sites)
            {
                if (site.Rules.FirstOrDefault(r => r.Kind == kind && r.Matches(attribute)) is { } rule)
                {
                    return new SiteMatch(site, rule.ToString());
                }
            }
        }

        return null;
    }

    public SiteDefinition? Find(string name) =>
        _sites.FirstOrDefault(s => string.Equals(s.Name, name.Trim(), StringComparison.OrdinalIgnoreCase));
}

/// <summary>A site name that does not exist (chosen for an upload, or named in a request).</summary>
public sealed class UnknownSiteException(string site, string reason) : Exception($"site '{site}' {reason}")
{
    public string Site { get; } = site;
}

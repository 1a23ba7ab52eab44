namespace TbScreen.Screening.Sites;

/// <summary>
/// Which profile decided a result: the site it was assigned to (null: no rule matched), the profile version (null:
/// the site has no approved profile, or no site matched, so the shipped ensemble.json threshold applied) and that threshold.
/// </summary>
public sealed record DecidingProfile(string? Site, int? Version, double Threshold, string? MatchedBy)
{
    public const string ShippedLabel = "shipped threshold";

    public bool IsShipped => Version is null;

    /// <summary>"Site A v2", or "shipped threshold" (with the site when one matched but has no approved profile).</summary>
    public string Label => Version is int v ? $"{Site} v{v}" : Site is null ? ShippedLabel : $"{ShippedLabel} (site {Site} has no approved profile)";
}

/// <summary>
/// An immutable snapshot of the sites and their active profiles: what one screening decides under. The web host
/// reads a fresh snapshot from the store for each screening, so an approval applies to the next image; the CLI
/// builds one from a site.json that applies to every input (<see cref="Fixed"/>).
/// </summary>
public sealed class SiteProfiles
{
    private readonly SiteRuleEngine _engine;
    private readonly SiteProfile? _fixed;

    public SiteProfiles(IReadOnlyList<SiteDefinition> sites)
    {
        _engine = new SiteRuleEngine(sites);
    }

    private SiteProfiles(SiteProfile profile)
    {
        _engine = new SiteRuleEngine([]);
        _fixed = profile;
    }

    public static SiteProfiles None { get; } = new([]);

    /// <summary>One profile for everything (the CLI's --site-profile): no rules, it decides every input.</summary>
    public static SiteProfiles Fixed(SiteProfile profile) => new(profile ?? throw new ArgumentNullException(nameof(profile)));

    public SiteRuleEngine Engine => _engine;

    /// <summary>The profile that decides everything (<see cref="Fixed"/>), else null.</summary>
    public SiteProfile? FixedProfile => _fixed;

    /// <summary>The deciding profile for an image from <paramref name="context"/>; <paramref name="shippedThreshold"/> without one.</summary>
    public DecidingProfile Resolve(SiteContext context, double shippedThreshold)
    {
        if (_fixed is { } profile)
        {
            return new DecidingProfile(profile.Site, profile.Version, profile.Threshold, "--site-profile");
        }

        var match = _engine.Match(context);
        return match?.Site.Active is { } active
            ? new DecidingProfile(match.Site.Name, active.Version, active.Threshold, match.MatchedBy)
            : new DecidingProfile(match?.Site.Name, null, shippedThreshold, match?.MatchedBy);
    }
}

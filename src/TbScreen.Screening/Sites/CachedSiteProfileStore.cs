using TbScreen.Screening.Persistence;

namespace TbScreen.Screening.Sites;

/// <summary>
/// A site store whose active profiles are read at most once per <c>freshFor</c>: a queue worker screens many images a
/// second, and the active profiles change by an administrator's approval, rarely. An approval reaches the worker
/// within <c>freshFor</c>. Everything else goes straight to the store.
/// </summary>
public sealed class CachedSiteProfileStore(ISiteProfileStore inner, TimeSpan freshFor) : ISiteProfileStore
{
    private readonly Lock _gate = new();
    private (SiteProfiles Profiles, DateTime ReadAt)? _active;

    public async Task<SiteProfiles> ActiveAsync(CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            if (_active is { } cached && DateTime.UtcNow - cached.ReadAt < freshFor)
            {
                return cached.Profiles;
            }
        }

        var profiles = await inner.ActiveAsync(cancellationToken);
        lock (_gate)
        {
            _active = (profiles, DateTime.UtcNow);
        }

        return profiles;
    }

    public Task<IReadOnlyList<SiteDetails>> SitesAsync(CancellationToken cancellationToken = default) => inner.SitesAsync(cancellationToken);

    public Task<SiteDetails?> GetSiteAsync(string name, CancellationToken cancellationToken = default) => inner.GetSiteAsync(name, cancellationToken);

    public Task<SiteDetails> CreateSiteAsync(string name, IReadOnlyList<SiteRule> rules, string actor, CancellationToken cancellationToken = default) =>
        inner.CreateSiteAsync(name, rules, actor, cancellationToken);

    public Task<SiteProfile> ProposeAsync(string site, SiteCalibrationRecord calibration, string actor, CancellationToken cancellationToken = default) =>
        inner.ProposeAsync(site, calibration, actor, cancellationToken);

    public Task<SiteProfile> ApproveAsync(string site, int version, string actor, CancellationToken cancellationToken = default) =>
        inner.ApproveAsync(site, version, actor, cancellationToken);

    public Task<SiteSample> ReviewedSampleAsync(string site, CancellationToken cancellationToken = default) => inner.ReviewedSampleAsync(site, cancellationToken);

    public Task<SiteSample?> SampleAsync(string site, int version, CancellationToken cancellationToken = default) => inner.SampleAsync(site, version, cancellationToken);
}

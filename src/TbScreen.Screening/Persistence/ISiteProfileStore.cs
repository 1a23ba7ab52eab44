using TbScreen.Screening.Sites;

namespace TbScreen.Screening.Persistence;

/// <summary>A site with every profile version, newest first.</summary>
public sealed record SiteDetails(SiteDefinition Site, IReadOnlyList<SiteProfile> Versions, string CreatedBy, DateTime CreatedAt);

/// <summary>A calibration to store as a new proposed version: the result, and the sample it came from.</summary>
public sealed record SiteCalibrationRecord(Audit.SiteCalibrationResult Result, SiteSample Sample, string SampleSource);

/// <summary>
/// Sites, their rules and their versioned profiles. Every change writes an audit event in the same transaction:
/// site.create, site.calibrate (a new proposed version), site.approve. Nothing changes decisions until approved.
/// </summary>
public interface ISiteProfileStore
{
    /// <summary>Every site with its active profile: the snapshot a screening decides under.</summary>
    Task<SiteProfiles> ActiveAsync(CancellationToken cancellationToken = default);

    Task<IReadOnlyList<SiteDetails>> SitesAsync(CancellationToken cancellationToken = default);

    Task<SiteDetails?> GetSiteAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>Throws <see cref="SiteConflictException"/> when the name exists or another site already has one of the rules.</summary>
    Task<SiteDetails> CreateSiteAsync(string name, IReadOnlyList<SiteRule> rules, string actor, CancellationToken cancellationToken = default);

    /// <summary>Stores a new proposed version (highest version + 1). Throws <see cref="UnknownSiteException"/>.</summary>
    Task<SiteProfile> ProposeAsync(string site, SiteCalibrationRecord calibration, string actor, CancellationToken cancellationToken = default);

    /// <summary>Makes the version active (the previous active one is retired, kept). Throws <see cref="UnknownSiteException"/> or KeyNotFoundException.</summary>
    Task<SiteProfile> ApproveAsync(string site, int version, string actor, CancellationToken cancellationToken = default);

    /// <summary>The site's cases with a radiologist's final label tb or not-tb (latest review): the worklist calibration sample.</summary>
    Task<SiteSample> ReviewedSampleAsync(string site, CancellationToken cancellationToken = default);

    /// <summary>The stored calibration sample of one version (to redraw its ROC).</summary>
    Task<SiteSample?> SampleAsync(string site, int version, CancellationToken cancellationToken = default);
}

/// <summary>A site name or rule that another site already has.</summary>
public sealed class SiteConflictException(string message) : Exception(message);

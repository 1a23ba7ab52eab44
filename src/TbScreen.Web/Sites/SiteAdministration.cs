using TbScreen.Screening.Persistence;
using TbScreen.Screening.Sites;

namespace TbScreen.Web.Sites;

/// <summary>The outcome of a site change: the value, or why it was refused (a sentence for the page and ProblemDetails).</summary>
public sealed record SiteChange<T>(T? Value, string? Error, int Status = StatusCodes.Status200OK)
{
    public static SiteChange<T> Refused(string error, int status = StatusCodes.Status400BadRequest) => new(default, error, status);
}

/// <summary>
/// What the Sites page and the /api/sites endpoints both do: parse rules, create sites, calibrate (worklist or
/// uploaded CSV), approve. The store writes the audit rows; this class turns refusals into messages.
/// </summary>
public sealed class SiteAdministration(ISiteProfileStore store, SiteCalibrationService calibration)
{
    /// <summary>Largest labelled CSV accepted from a browser or script (a few hundred thousand cases).</summary>
    public const long MaxSampleBytes = 8 * 1024 * 1024;

    public Task<IReadOnlyList<SiteDetails>> ListAsync(CancellationToken cancellationToken = default) => store.SitesAsync(cancellationToken);

    public Task<SiteDetails?> GetAsync(string name, CancellationToken cancellationToken = default) => store.GetSiteAsync(name, cancellationToken);

    public double DefaultTargetSensitivity => calibration.Options.DefaultTargetSensitivity;

    /// <summary>Rules as lines "institution: NAME", "station: NAME" or "ae-title: TITLE"; blank lines are ignored.</summary>
    public async Task<SiteChange<SiteDetails>> CreateAsync(string? name, IEnumerable<string> ruleLines, string actor, CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            return SiteChange<SiteDetails>.Refused("a site needs a name");
        }

        var rules = new List<SiteRule>();
        foreach (string line in ruleLines.Where(l => !string.IsNullOrWhiteSpace(l)))
        {
            try
            {
                rules.Add(SiteRule.Parse(line));
            }
            catch (FormatException e)
            {
                return SiteChange<SiteDetails>.Refused(e.Message);
            }
        }

        try
        {
            return new(await store.CreateSiteAsync(name, rules, actor, cancellationToken), null, StatusCodes.Status201Created);
        }
        catch (SiteConflictException e)
        {
            return SiteChange<SiteDetails>.Refused(e.Message, StatusCodes.Status409Conflict);
        }
    }

    public Task<SiteChange<SiteProfile>> CalibrateFromWorklistAsync(string site, double? target, string actor, CancellationToken cancellationToken = default) =>
        Guard(() => calibration.FromWorklistAsync(site, target, actor, cancellationToken));

    public async Task<SiteChange<SiteProfile>> CalibrateFromCsvAsync(string site, Stream csv, string fileName, double? target, string actor, CancellationToken cancellationToken = default)
    {
        string text;
        using (var reader = new StreamReader(csv))
        {
            text = await reader.ReadToEndAsync(cancellationToken);
        }

        return await Guard(() => calibration.FromCsvAsync(site, text, Path.GetFileName(fileName), target, actor, cancellationToken));
    }

    public Task<SiteChange<SiteProfile>> ApproveAsync(string site, int version, string actor, CancellationToken cancellationToken = default) =>
        Guard(() => store.ApproveAsync(site, version, actor, cancellationToken));

    /// <summary>The version's ROC with its operating point, or null when the site or version does not exist.</summary>
    public async Task<string?> RocSvgAsync(string site, int version, CancellationToken cancellationToken = default)
    {
        var details = await store.GetSiteAsync(site, cancellationToken);
        var profile = details?.Versions.FirstOrDefault(v => v.Version == version);
        var sample = profile is null ? null : await store.SampleAsync(site, version, cancellationToken);
        return profile is null || sample is null ? null : SiteCalibrationService.RocSvg(sample, profile);
    }

    private static async Task<SiteChange<SiteProfile>> Guard(Func<Task<SiteProfile>> change)
    {
        try
        {
            return new(await change(), null, StatusCodes.Status201Created);
        }
        catch (UnknownSiteException e)
        {
            return SiteChange<SiteProfile>.Refused(e.Message, StatusCodes.Status404NotFound);
        }
        catch (KeyNotFoundException e)
        {
            return SiteChange<SiteProfile>.Refused(e.Message, StatusCodes.Status404NotFound);
        }
        catch (Exception e) when (e is SiteCalibrationException or FormatException)
        {
            return SiteChange<SiteProfile>.Refused(e.Message);
        }
    }
}

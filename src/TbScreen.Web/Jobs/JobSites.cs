using TbScreen.Screening.Persistence;
using TbScreen.Screening.Sites;

namespace TbScreen.Web.Jobs;

/// <summary>The site chosen for a job, checked before the job exists: a typo must not leave a job that fails every file.</summary>
internal static class JobSites
{
    /// <summary>The site's name as stored, or null when none was chosen; throws <see cref="UnknownSiteException"/>.</summary>
    public static async Task<string?> CheckAsync(ISiteProfileStore sites, string? site, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(site))
        {
            return null;
        }

        return (await sites.GetSiteAsync(site, cancellationToken))?.Site.Name ?? throw new UnknownSiteException(site.Trim(), "does not exist");
    }
}

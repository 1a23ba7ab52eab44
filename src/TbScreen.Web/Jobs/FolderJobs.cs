using TbScreen.Screening.Persistence;
using TbScreen.Web.Api;

namespace TbScreen.Web.Jobs;

/// <summary>Starting a job on a server folder (admin): judged by the allow-list, created, audited and queued.</summary>
public sealed class FolderJobs(JobFolderPolicy policy, IScreeningStore store, JobQueue queue, ISiteProfileStore sites)
{
    /// <summary>The job, or null with the verdict and the folder as judged (absolute, normalised).</summary>
    public async Task<(BatchJobInfo? Job, FolderJobRequest? Request, JobFolderPolicy.Verdict Verdict, string Folder)> StartAsync(
        string folder, bool recursive, string actor, string? site = null, CancellationToken cancellationToken = default)
    {
        site = await JobSites.CheckAsync(sites, site, cancellationToken);
        ArgumentException.ThrowIfNullOrWhiteSpace(folder);
        ArgumentException.ThrowIfNullOrEmpty(actor);
        var verdict = policy.Judge(folder, out string full);
        if (verdict != JobFolderPolicy.Verdict.Allowed)
        {
            return (null, null, verdict, full);
        }

        queue.EnsureRoom();
        var request = new FolderJobRequest(full, recursive, Site: site);
        var job = await store.CreateJobAsync([full], request.ToJson(), FolderJobRequest.NewKey(),
            id => new AuditEntry(actor, AuditActions.JobCreated, $"job/{id}", recursive ? "server folder job, with subfolders" : "server folder job"), cancellationToken);
        queue.Enqueue(job.Id);
        return (job, request, verdict, full);
    }

    /// <summary>What to tell the admin when a folder is refused.</summary>
    public static string Explain(JobFolderPolicy.Verdict verdict, string folder) => verdict switch
    {
        JobFolderPolicy.Verdict.NoRootsConfigured => "No folder may be screened until an administrator sets TbScreen:Jobs:AllowedRoots.",
        JobFolderPolicy.Verdict.OutsideAllowedRoots => $"{folder} is not under any of TbScreen:Jobs:AllowedRoots.",
        JobFolderPolicy.Verdict.NotFound => $"{folder} does not exist.",
        _ => "",
    };
}

using Microsoft.EntityFrameworkCore;
using TbScreen.Screening.Persistence;

namespace TbScreen.Web.Jobs;

/// <summary>
/// The web host's jobs that a stop or crash left queued or running. The store's API has no query by state, so
/// this reads the jobs table directly (read-only); the worker re-queues them and only their pending items run.
/// </summary>
internal sealed class UnfinishedJobs(IDbContextFactory<ScreeningDbContext> contexts)
{
    public async Task<IReadOnlyList<long>> FindAsync(CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.Jobs.AsNoTracking()
            .Where(j => j.Key != null && j.Key.StartsWith(FolderJobRequest.KeyPrefix)
                && (j.State == BatchJobStates.Created || j.State == BatchJobStates.Running))
            .OrderBy(j => j.Id)
            .Select(j => j.Id)
            .ToListAsync(cancellationToken);
    }
}

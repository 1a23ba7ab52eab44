using TbScreen.Screening.Persistence;
using TbScreen.Web.Api;

namespace TbScreen.Web.Jobs;

/// <summary>What cancelling a job found.</summary>
public enum CancelOutcome
{
    Cancelled,
    NotFound,
    NotCancellable,
}

/// <summary>Cancelling a job, for the API and the job page alike: the state first, then the running worker, then the audit row.</summary>
public sealed class JobControl(IScreeningStore store, JobCancellation cancellation)
{
    public async Task<(CancelOutcome Outcome, BatchJobInfo? Job)> CancelAsync(long jobId, string actor, CancellationToken cancellationToken = default)
    {
        var job = await store.GetJobAsync(jobId, cancellationToken);
        if (job is null)
        {
            return (CancelOutcome.NotFound, null);
        }

        if (job.State is not (BatchJobStates.Created or BatchJobStates.Running))
        {
            return (CancelOutcome.NotCancellable, job);
        }

        // A waiting job is skipped when the worker reaches it; a running one stops at its next item.
        await store.SetJobStateAsync(jobId, BatchJobStates.Cancelled, new AuditEntry(actor, AuditActions.JobCancelled, $"job/{jobId}"), cancellationToken);
        cancellation.Cancel(jobId);
        return (CancelOutcome.Cancelled, await store.GetJobAsync(jobId, cancellationToken));
    }
}

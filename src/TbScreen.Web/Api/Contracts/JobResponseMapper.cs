using TbScreen.Screening.Persistence;
using TbScreen.Web.Jobs;

namespace TbScreen.Web.Api.Contracts;

internal static class JobResponseMapper
{
    /// <summary>
    /// The store keeps created/updated times only, so: started = created once the job left the queue (jobs start
    /// within moments of being queued unless another job is running), finished = the last update of a job that ended.
    /// </summary>
    public static JobResponse ToResponse(BatchJobInfo job, IReadOnlyList<BatchJobItemInfo> items, FolderJobRequest? request)
    {
        var failedByCode = items
            .Where(i => !i.IsPending && i.Status != "ok")
            .GroupBy(i => i.Status, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        bool started = job.State != BatchJobStates.Created;
        bool finished = job.State is BatchJobStates.Completed or BatchJobStates.Cancelled;
        return new JobResponse
        {
            Id = job.Id.ToString(System.Globalization.CultureInfo.InvariantCulture),
            Folder = job.Inputs.FirstOrDefault() ?? "",
            Recursive = request?.Recursive ?? true,
            Kind = request?.UploadedFiles is null ? "folder" : "upload",
            State = job.State == BatchJobStates.Created ? "queued" : job.State,
            Counts = new JobCounts(job.Total, job.Succeeded + job.Failed, job.Succeeded, job.Failed, failedByCode),
            CreatedAt = Utc(job.CreatedAt),
            StartedAt = started ? Utc(job.CreatedAt) : null,
            FinishedAt = finished ? Utc(job.UpdatedAt) : null,
        };
    }

    private static DateTimeOffset Utc(DateTime time) => new(DateTime.SpecifyKind(time, DateTimeKind.Utc));
}

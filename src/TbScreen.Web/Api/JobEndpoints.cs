using TbScreen.Screening.Persistence;
using TbScreen.Web.Api.Contracts;
using TbScreen.Web.Jobs;

namespace TbScreen.Web.Api;

/// <summary>POST /api/jobs (screen a server folder in the background), GET /api/jobs/{id}.</summary>
internal static class JobEndpoints
{
    public static RouteGroupBuilder MapJobEndpoints(this RouteGroupBuilder api)
    {
        var jobs = api.MapGroup("/jobs").WithTags("Jobs");

        jobs.MapPost("/", CreateAsync)
            .WithName("CreateJob")
            .WithSummary("Screen every DICOM, PNG and JPEG file in a server folder, in the background")
            .WithDescription("The folder must lie under TbScreen:Jobs:AllowedRoots. " + ResearchNotice.Text)
            .Produces<JobResponse>(StatusCodes.Status202Accepted)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status403Forbidden);

        jobs.MapGet("/{id:long}", GetAsync)
            .WithName("GetJob")
            .WithSummary("A job's state, counts (failures by code) and times")
            .Produces<JobResponse>()
            .ProducesProblem(StatusCodes.Status404NotFound);
        return jobs;
    }

    private static async Task<IResult> CreateAsync(CreateJobRequest request, JobFolderPolicy policy, IScreeningStore store, JobQueue queue, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(request.Folder))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "No folder", detail: "Give the server folder to screen in \"folder\".");
        }

        switch (policy.Judge(request.Folder, out string folder))
        {
            case JobFolderPolicy.Verdict.NoRootsConfigured:
                return TypedResults.Problem(
                    statusCode: StatusCodes.Status403Forbidden,
                    title: "Folder jobs are not enabled",
                    detail: "No folder may be screened until an administrator sets TbScreen:Jobs:AllowedRoots.");
            case JobFolderPolicy.Verdict.OutsideAllowedRoots:
                return TypedResults.Problem(
                    statusCode: StatusCodes.Status403Forbidden,
                    title: "Folder not allowed",
                    detail: $"{folder} is not under any of TbScreen:Jobs:AllowedRoots.");
            case JobFolderPolicy.Verdict.NotFound:
                return TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Folder not found", detail: $"{folder} does not exist.");
        }

        var job = await store.CreateJobAsync([folder], new FolderJobRequest(folder, request.Recursive).ToJson(), FolderJobRequest.NewKey(), cancellationToken);
        await store.RecordAsync(ApiActors.Anonymous, AuditActions.JobCreated, $"job/{job.Id}", folder, cancellationToken);
        queue.Enqueue(job.Id);
        return TypedResults.Accepted(ResponseMapper.JobLocation(job.Id), JobResponseMapper.ToResponse(job, [], request.Recursive));
    }

    private static async Task<IResult> GetAsync(long id, IScreeningStore store, CancellationToken cancellationToken)
    {
        var job = await store.GetJobAsync(id, cancellationToken);
        if (job is null)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Job not found", detail: $"There is no job {id}.");
        }

        var items = await store.ItemsAsync(id, cancellationToken);
        bool recursive = FolderJobRequest.FromJson(job.OptionsJson)?.Recursive ?? true;
        return TypedResults.Ok(JobResponseMapper.ToResponse(job, items, recursive));
    }
}

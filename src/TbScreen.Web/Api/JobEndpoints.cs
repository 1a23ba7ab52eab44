using System.Security.Claims;
using System.Text;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using TbScreen.Screening.Persistence;
using TbScreen.Web.Api.Contracts;
using TbScreen.Web.Configuration;
using TbScreen.Web.Identity;
using TbScreen.Web.Jobs;

namespace TbScreen.Web.Api;

/// <summary>Batch jobs: a server folder (admin) or many uploaded files (clinicians), their progress and results.</summary>
internal static class JobEndpoints
{
    public static RouteGroupBuilder MapJobEndpoints(this RouteGroupBuilder api)
    {
        var jobs = api.MapGroup("/jobs").WithTags("Jobs");
        long maxBytes = ((IEndpointRouteBuilder)api).ServiceProvider.GetRequiredService<IOptions<TbScreenOptions>>().Value.Uploads.MaxBytes;

        jobs.MapPost("/", CreateAsync)
            .RequireAuthorization(Policies.Admin)
            .DisableAntiforgery()
            .WithName("CreateJob")
            .WithSummary("Screen every DICOM, PNG and JPEG file in a server folder, in the background (admin)")
            .WithDescription("The folder must lie under TbScreen:Jobs:AllowedRoots. " + ResearchNotice.Text)
            .Produces<JobResponse>(StatusCodes.Status202Accepted)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status403Forbidden);

        jobs.MapPost("/uploads", UploadAsync)
            .RequireAuthorization(Policies.Screen)
            .DisableAntiforgery()
            .WithMetadata(new RequestSizeLimitAttribute(maxBytes))
            .WithFormOptions(multipartBodyLengthLimit: maxBytes)
            .WithName("CreateUploadJob")
            .WithSummary("Upload many radiographs (form field \"files\") and screen them as one background job")
            .WithDescription("Every file must be DICOM, PNG or JPEG by content; otherwise 400 names each refused file and nothing is kept. "
                + "TbScreen:Uploads:MaxBytes bounds the whole request.")
            .Produces<JobResponse>(StatusCodes.Status202Accepted)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge);

        jobs.MapPost("/{id:long}/cancel", CancelAsync)
            .RequireAuthorization(Policies.Screen)
            .DisableAntiforgery()
            .WithName("CancelJob")
            .WithSummary("Cancel a waiting or running job: finished items keep their results, the rest are not screened")
            .Produces<JobResponse>(StatusCodes.Status200OK)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);

        jobs.MapGet("/", ListAsync)
            .RequireAuthorization(Policies.Screen)
            .WithName("ListJobs")
            .WithSummary("The web host's jobs, newest first")
            .Produces<IReadOnlyList<JobResponse>>();

        jobs.MapGet("/{id:long}", GetAsync)
            .RequireAuthorization(Policies.Screen)
            .WithName("GetJob")
            .WithSummary("A job's state, counts (failures by code) and times")
            .Produces<JobResponse>()
            .ProducesProblem(StatusCodes.Status404NotFound);

        jobs.MapGet("/{id:long}/results", ResultsAsync)
            .RequireAuthorization(Policies.Screen)
            .WithName("GetJobResults")
            .WithSummary("A job's files with their results; filter by status (ok | failed | a code), decision, flag (flagged | none)")
            .Produces<IReadOnlyList<JobResultRow>>()
            .ProducesProblem(StatusCodes.Status404NotFound);

        jobs.MapGet("/{id:long}/results.csv", ResultsCsvAsync)
            .RequireAuthorization(Policies.Screen)
            .WithName("GetJobResultsCsv")
            .WithSummary("The same rows as CSV (same filters)")
            .Produces(StatusCodes.Status200OK, contentType: "text/csv")
            .ProducesProblem(StatusCodes.Status404NotFound);
        return jobs;
    }

    private static async Task<IResult> CreateAsync(CreateJobRequest request, FolderJobs folders, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(request.Folder))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "No folder", detail: "Give the server folder to screen in \"folder\".");
        }

        BatchJobInfo? job;
        FolderJobRequest? jobRequest;
        JobFolderPolicy.Verdict verdict;
        string folder;
        try
        {
            (job, jobRequest, verdict, folder) = await folders.StartAsync(request.Folder, request.Recursive, ApiActors.Of(user), request.Site, cancellationToken);
        }
        catch (TbScreen.Screening.Sites.UnknownSiteException e)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Unknown site", detail: e.Message);
        }

        return verdict switch
        {
            JobFolderPolicy.Verdict.Allowed => TypedResults.Accepted(ResponseMapper.JobLocation(job!.Id), JobResponseMapper.ToResponse(job, [], jobRequest)),
            JobFolderPolicy.Verdict.NoRootsConfigured => TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden,
                title: "Folder jobs are not enabled", detail: FolderJobs.Explain(verdict, folder)),
            JobFolderPolicy.Verdict.OutsideAllowedRoots => TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden,
                title: "Folder not allowed", detail: FolderJobs.Explain(verdict, folder)),
            _ => TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Folder not found", detail: FolderJobs.Explain(verdict, folder)),
        };
    }

    private static async Task<IResult> UploadAsync(HttpRequest http, UploadJobs uploads, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        if (!http.HasFormContentType)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "No files uploaded", detail: "Send multipart/form-data with the files in the field \"files\".");
        }

        var form = await http.ReadFormAsync(cancellationToken);
        var files = form.Files.GetFiles("files");
        var opened = files.Select(f => new UploadedFile(Path.GetFileName(f.FileName), f.OpenReadStream())).ToList();
        try
        {
            string? site = form["site"] is { Count: > 0 } chosen && !string.IsNullOrWhiteSpace(chosen[0]) ? chosen[0] : null;
            BatchJobInfo? job;
            FolderJobRequest? request;
            UploadJobRefusal? refusal;
            try
            {
                (job, request, refusal) = await uploads.CreateAsync(opened, ApiActors.Of(user), cancellationToken, site);
            }
            catch (TbScreen.Screening.Sites.UnknownSiteException e)
            {
                return TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Unknown site", detail: e.Message);
            }

            if (refusal is not null)
            {
                string list = string.Join("; ", refusal.Files.Select(f => $"{f.FileName}: {f.Reason}"));
                return TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Upload job refused", detail: list,
                    type: ScreeningProblems.TypeFor("unsupported-file-type"),
                    extensions: new Dictionary<string, object?> { ["files"] = refusal.Files.Select(f => new { fileName = f.FileName, reason = f.Reason }).ToList() });
            }

            return TypedResults.Accepted(ResponseMapper.JobLocation(job!.Id), JobResponseMapper.ToResponse(job, [], request));
        }
        finally
        {
            foreach (var file in opened)
            {
                await file.Content.DisposeAsync();
            }
        }
    }

    private static async Task<IResult> ListAsync(JobResults results, IScreeningStore store, CancellationToken cancellationToken)
    {
        var list = new List<JobResponse>();
        foreach (long id in await results.RecentJobIdsAsync(100, cancellationToken))
        {
            if (await store.GetJobAsync(id, cancellationToken) is { } job)
            {
                list.Add(JobResponseMapper.ToResponse(job, [], FolderJobRequest.FromJson(job.OptionsJson)));
            }
        }

        return TypedResults.Ok(list);
    }

    private static async Task<IResult> GetAsync(long id, IScreeningStore store, CancellationToken cancellationToken)
    {
        var job = await store.GetJobAsync(id, cancellationToken);
        if (job is null)
        {
            return JobNotFound(id);
        }

        var items = await store.ItemsAsync(id, cancellationToken);
        return TypedResults.Ok(JobResponseMapper.ToResponse(job, items, FolderJobRequest.FromJson(job.OptionsJson)));
    }

    private static async Task<IResult> ResultsAsync(long id, string? status, string? decision, string? flag, IScreeningStore store, JobResults results, CancellationToken cancellationToken) =>
        await store.GetJobAsync(id, cancellationToken) is null
            ? JobNotFound(id)
            : TypedResults.Ok(await results.RowsAsync(id, status, decision, flag, cancellationToken));

    private static async Task<IResult> ResultsCsvAsync(long id, string? status, string? decision, string? flag, IScreeningStore store, JobResults results, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        if (await store.GetJobAsync(id, cancellationToken) is null)
        {
            return JobNotFound(id);
        }

        await store.RecordAsync(ApiActors.Of(user), AuditActions.JobExported, $"job/{id}", "results.csv", cancellationToken);
        string csv = JobResults.ToCsv(await results.RowsAsync(id, status, decision, flag, cancellationToken));
        return TypedResults.File(Encoding.UTF8.GetBytes(csv), "text/csv; charset=utf-8", $"job-{id}-results.csv");
    }

    private static async Task<IResult> CancelAsync(long id, Jobs.JobControl control, IScreeningStore store, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        var (outcome, job) = await control.CancelAsync(id, ApiActors.Of(user), cancellationToken);
        return outcome switch
        {
            Jobs.CancelOutcome.NotFound => JobNotFound(id),
            Jobs.CancelOutcome.NotCancellable => TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Job not cancellable", detail: $"Job {id} is {job!.State}."),
            _ => TypedResults.Ok(JobResponseMapper.ToResponse(job!, await store.ItemsAsync(id, cancellationToken), FolderJobRequest.FromJson(job!.OptionsJson))),
        };
    }

    private static IResult JobNotFound(long id) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Job not found", detail: $"There is no job {id}.");
}

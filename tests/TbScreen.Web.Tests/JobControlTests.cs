using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using TbScreen.Web.Configuration;
using TbScreen.Web.Identity;
using TbScreen.Web.Jobs;
using TbScreen.Web.Tests.Infrastructure;

namespace TbScreen.Web.Tests;

/// <summary>Abuse and control (issue 17): a bounded job queue that answers "queue full", and cancelling a job.</summary>
[Collection(ApiCollection.Name)]
public sealed class JobControlTests(TbScreenApiFactory factory)
{
    [Fact]
    public async Task A_running_job_can_be_cancelled_and_stays_cancelled_with_its_finished_items()
    {
        string folder = Path.Combine(factory.AllowedJobRoot, "cancel-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        for (int i = 0; i < 60; i++)
        {
            await File.WriteAllBytesAsync(Path.Combine(folder, $"{i:D3}.dcm"), TestRadiographs.Phantom(TestRadiographs.NewSeed()));
        }

        using var client = await factory.ClientAsAsync(Roles.Admin);
        var created = await (await client.PostAsJsonAsync("/api/jobs", new { folder, recursive = false })).JsonAsync(HttpStatusCode.Accepted);
        string id = created.GetProperty("id").ToString();

        var cancelled = await (await client.PostAsync($"/api/jobs/{id}/cancel", null)).JsonAsync(HttpStatusCode.OK);
        Assert.Equal("cancelled", cancelled.GetProperty("state").GetString());

        // The worker notices within an item or two; then nothing moves and the state never becomes completed.
        await Task.Delay(TimeSpan.FromSeconds(3));
        var first = await (await client.GetAsync($"/api/jobs/{id}")).JsonAsync(HttpStatusCode.OK);
        await Task.Delay(TimeSpan.FromSeconds(2));
        var later = await (await client.GetAsync($"/api/jobs/{id}")).JsonAsync(HttpStatusCode.OK);
        Assert.Equal("cancelled", later.GetProperty("state").GetString());
        Assert.Equal(first.GetProperty("counts").GetProperty("done").GetInt32(), later.GetProperty("counts").GetProperty("done").GetInt32());
        Assert.True(later.GetProperty("counts").GetProperty("done").GetInt32() < 60, "every item was screened after the cancel");

        await (await client.PostAsync($"/api/jobs/{id}/cancel", null)).ProblemAsync(HttpStatusCode.Conflict);
        await (await client.PostAsync("/api/jobs/987654321/cancel", null)).ProblemAsync(HttpStatusCode.NotFound);
        var trail = await factory.Services.GetRequiredService<TbScreen.Screening.Persistence.IScreeningStore>().AuditTrailAsync(5000);
        Assert.Single(trail, e => e.Action == "job.cancelled" && e.Target == $"job/{id}");
    }

    [Fact]
    public async Task The_queue_refuses_new_jobs_past_its_capacity_and_takes_them_again_once_one_starts()
    {
        var queue = new JobQueue(Options.Create(new TbScreenOptions { Jobs = { MaxQueuedJobs = 2 } }));
        queue.EnsureRoom();
        queue.Enqueue(1);
        queue.Enqueue(2);
        var full = Assert.Throws<JobQueueFullException>(queue.EnsureRoom);
        Assert.Contains("MaxQueuedJobs", full.Message, StringComparison.Ordinal);

        using var stop = new CancellationTokenSource();
        var reader = queue.ReadAllAsync(stop.Token).GetAsyncEnumerator();
        Assert.True(await reader.MoveNextAsync());
        Assert.Equal(1, queue.Waiting);
        queue.EnsureRoom();
    }

    [Fact]
    public async Task A_full_queue_answers_503_with_retry_after_and_keeps_nothing()
    {
        using var closed = new TbScreenApiFactory(Path.Combine(Path.GetTempPath(), "tbscreen-web-tests", Guid.NewGuid().ToString("N")),
            settings: new Dictionary<string, string?> { ["TbScreen:Jobs:MaxQueuedJobs"] = "0" });
        using var client = await closed.ClientAsAsync(Roles.Clinician);
        using var form = new MultipartFormDataContent { { new ByteArrayContent(TestRadiographs.Phantom(TestRadiographs.NewSeed())), "files", "a.dcm" } };

        var response = await client.PostAsync("/api/jobs/uploads", form);

        var problem = await response.ProblemAsync(HttpStatusCode.ServiceUnavailable);
        Assert.Equal("Job queue full", problem.GetProperty("title").GetString());
        Assert.NotNull(response.Headers.RetryAfter);
        Assert.Equal(0, (await (await client.GetAsync("/api/jobs")).JsonAsync(HttpStatusCode.OK)).GetArrayLength());
        Assert.False(Directory.Exists(Path.Combine(closed.Root, "uploads")) && Directory.EnumerateFileSystemEntries(Path.Combine(closed.Root, "uploads")).Any());
    }
}

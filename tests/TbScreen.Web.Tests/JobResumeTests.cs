using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using TbScreen.Screening.Persistence;
using TbScreen.Web.Jobs;
using TbScreen.Web.Identity;
using TbScreen.Web.Tests.Infrastructure;

namespace TbScreen.Web.Tests;

/// <summary>A job the host left running (stopped or killed) is picked up by the next host on the same database.</summary>
public sealed class JobResumeTests
{
    [Fact]
    public async Task A_job_left_running_is_resumed_at_startup_and_skips_finished_items()
    {
        string root = Path.Combine(Path.GetTempPath(), "tbscreen-web-tests", Guid.NewGuid().ToString("N"));
        long jobId;
        string folder;
        using (var first = new TbScreenApiFactory(root, deleteOnDispose: false))
        {
            folder = Path.Combine(first.AllowedJobRoot, "interrupted");
            Directory.CreateDirectory(folder);
            string done = Path.Combine(folder, "a.dcm"), pending = Path.Combine(folder, "b.dcm");
            await File.WriteAllBytesAsync(done, TestRadiographs.Phantom(TestRadiographs.NewSeed()));
            await File.WriteAllBytesAsync(pending, TestRadiographs.Phantom(TestRadiographs.NewSeed()));

            // What a host killed mid-job leaves: the job running, one item done, one pending, and no queue entry.
            _ = first.Server;
            var screening = first.Services.GetRequiredService<TbScreen.Screening.PersistentScreeningService>();
            var job = await screening.Store.CreateJobAsync([folder], new FolderJobRequest(folder, true).ToJson(), FolderJobRequest.NewKey());
            jobId = job.Id;
            await screening.Store.SetJobStateAsync(jobId, BatchJobStates.Running);
            await screening.Store.AddItemsAsync(jobId, [done, pending]);
            await screening.ScreenItemAsync(jobId, done);
        }

        using var second = new TbScreenApiFactory(root);
        using var client = await second.ClientAsAsync(Roles.Admin);
        var deadline = DateTime.UtcNow.AddSeconds(60);
        JsonElement state;
        do
        {
            await Task.Delay(100);
            state = await (await client.GetAsync($"/api/jobs/{jobId}")).JsonAsync(HttpStatusCode.OK);
            Assert.True(DateTime.UtcNow < deadline, $"job not resumed: {state}");
        }
        while (state.GetProperty("state").GetString() != "completed");

        Assert.Equal(2, state.GetProperty("counts").GetProperty("succeeded").GetInt32());
        var items = await second.Services.GetRequiredService<IScreeningStore>().ItemsAsync(jobId);
        // The item finished before the "crash" was not started again.
        Assert.Equal([1, 1], items.Select(i => i.Attempts));
    }
}

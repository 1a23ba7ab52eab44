using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using TbScreen.Web.Identity;
using TbScreen.Web.Tests.Infrastructure;

namespace TbScreen.Web.Tests;

[Collection(ApiCollection.Name)]
public sealed class JobEndpointTests(TbScreenApiFactory factory)
{
    [Fact]
    public async Task A_job_over_an_allowed_folder_finishes_with_correct_counts()
    {
        string folder = Path.Combine(factory.AllowedJobRoot, "job-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path.Combine(folder, "nested"));
        await File.WriteAllBytesAsync(Path.Combine(folder, "a.dcm"), TestRadiographs.Phantom(TestRadiographs.NewSeed()));
        // Found by content, without the .dcm extension, one folder down.
        await File.WriteAllBytesAsync(Path.Combine(folder, "nested", "IM0001"), TestRadiographs.Phantom(TestRadiographs.NewSeed()));
        await File.WriteAllBytesAsync(Path.Combine(folder, "broken.dcm"), TestRadiographs.CorruptDicom());
        // Not an image: an item all the same (the CLI's rule), reported as unreadable-image.
        await File.WriteAllTextAsync(Path.Combine(folder, "notes.txt"), "export notes");
        // Skipped: hidden files, and links that lead out of the allowed roots.
        await File.WriteAllBytesAsync(Path.Combine(folder, ".hidden.dcm"), TestRadiographs.Phantom(TestRadiographs.NewSeed()));
        string outside = Path.Combine(factory.OutsideJobRoot, "job-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(outside);
        await File.WriteAllBytesAsync(Path.Combine(outside, "secret.dcm"), TestRadiographs.Phantom(TestRadiographs.NewSeed()));
        Directory.CreateSymbolicLink(Path.Combine(folder, "escape"), outside);
        File.CreateSymbolicLink(Path.Combine(folder, "secret-link.dcm"), Path.Combine(outside, "secret.dcm"));

        using var client = await factory.ClientAsAsync(Roles.Admin);
        var response = await client.PostAsJsonAsync("/api/jobs", new { folder, recursive = true });
        var accepted = await response.JsonAsync(HttpStatusCode.Accepted);
        string id = accepted.GetProperty("id").ToString();
        Assert.Equal($"/api/jobs/{id}", response.Headers.Location?.OriginalString);

        var job = await PollUntilFinishedAsync(client, id, TimeSpan.FromSeconds(60));
        Assert.Equal("completed", job.GetProperty("state").GetString());
        var counts = job.GetProperty("counts");
        Assert.Equal(4, counts.GetProperty("total").GetInt32());
        Assert.Equal(4, counts.GetProperty("done").GetInt32());
        Assert.Equal(2, counts.GetProperty("succeeded").GetInt32());
        Assert.Equal(2, counts.GetProperty("failed").GetInt32());
        Assert.Equal(1, counts.GetProperty("failedByCode").GetProperty("invalid-dicom").GetInt32());
        Assert.Equal(1, counts.GetProperty("failedByCode").GetProperty("unreadable-image").GetInt32());
        Assert.NotEqual(JsonValueKind.Null, job.GetProperty("startedAt").ValueKind);
        Assert.NotEqual(JsonValueKind.Null, job.GetProperty("finishedAt").ValueKind);
    }

    [Fact]
    public async Task A_folder_outside_the_allowed_roots_is_403_problem_details()
    {
        using var client = await factory.ClientAsAsync(Roles.Admin);
        var response = await client.PostAsJsonAsync("/api/jobs", new { folder = factory.OutsideJobRoot, recursive = true });
        await response.ProblemAsync(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task A_path_that_climbs_out_of_an_allowed_root_is_403()
    {
        using var client = await factory.ClientAsAsync(Roles.Admin);
        string sneaky = Path.Combine(factory.AllowedJobRoot, "..", "elsewhere");
        var response = await client.PostAsJsonAsync("/api/jobs", new { folder = sneaky, recursive = true });
        await response.ProblemAsync(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task A_missing_folder_is_400_problem_details()
    {
        using var client = await factory.ClientAsAsync(Roles.Admin);
        string missing = Path.Combine(factory.AllowedJobRoot, "no-such-folder");
        var response = await client.PostAsJsonAsync("/api/jobs", new { folder = missing, recursive = false });
        await response.ProblemAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task An_unknown_job_is_404_problem_details()
    {
        using var client = await factory.ClientAsAsync(Roles.Admin);
        await (await client.GetAsync("/api/jobs/999999999")).ProblemAsync(HttpStatusCode.NotFound);
    }

    internal static async Task<JsonElement> PollUntilFinishedAsync(HttpClient client, string id, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var job = await (await client.GetAsync($"/api/jobs/{id}")).JsonAsync(HttpStatusCode.OK);
            if (job.GetProperty("finishedAt").ValueKind != JsonValueKind.Null)
            {
                return job;
            }

            Assert.True(DateTime.UtcNow < deadline, $"job {id} not finished after {timeout}: {job}");
            await Task.Delay(100);
        }
    }
}

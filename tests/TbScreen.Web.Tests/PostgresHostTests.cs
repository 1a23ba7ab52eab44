using System.Net;
using System.Net.Http.Json;
using TbScreen.Screening.Tests.Support;
using TbScreen.Web.Identity;
using TbScreen.Web.Tests.Infrastructure;
using static TbScreen.Web.Tests.Infrastructure.HttpAssertions;

namespace TbScreen.Web.Tests;

/// <summary>
/// The whole host on PostgreSQL: both migration sets (screening and accounts) apply, the admin is created, and
/// sign-in, upload, review and the worklist work. Skips, saying why, without the server binaries.
/// </summary>
public sealed class PostgresHostTests : IDisposable
{
    private readonly PostgresServer _server = new();

    [SkippableFact]
    public async Task The_dashboard_runs_on_postgresql_with_its_own_accounts_migrations()
    {
        Skip.If(_server.SkipReason is not null, _server.SkipReason);
        using var host = new TbScreenApiFactory(
            Path.Combine(Path.GetTempPath(), "tbscreen-web-tests", Guid.NewGuid().ToString("N")), postgres: _server.ConnectionString);

        using var admin = await host.SignedInClientAsync("admin", TbScreenApiFactory.AdminPassword);
        var upload = await (await admin.PostAsync("/api/screenings", Upload(TestRadiographs.Phantom(TestRadiographs.NewSeed()))))
            .JsonAsync(HttpStatusCode.Created);
        string id = upload.GetProperty("id").ToString();

        using var radiologist = await host.ClientAsAsync(Roles.Radiologist);
        string decision = upload.GetProperty("decision").GetString()!;
        await (await radiologist.PostAsJsonAsync($"/api/screenings/{id}/reviews", new { finalLabel = decision })).JsonAsync(HttpStatusCode.Created);
        var stats = await (await radiologist.GetAsync("/api/worklist/stats")).JsonAsync(HttpStatusCode.OK);
        Assert.Equal(1, stats.GetProperty("withFinalRead").GetInt32());
        Assert.Equal(1.0, stats.GetProperty("modelAccuracy").GetDouble());
        var users = await (await admin.GetAsync("/api/users")).JsonAsync(HttpStatusCode.OK);
        Assert.Contains(users.EnumerateArray(), u => u.GetProperty("userName").GetString() == "admin");
    }

    /// <summary>Issue 17: a database restart during a job is waited out and the job resumed, not cancelled for good.</summary>
    [SkippableFact]
    public async Task A_job_survives_a_database_restart_and_completes()
    {
        Skip.If(_server.SkipReason is not null, _server.SkipReason);
        using var host = new TbScreenApiFactory(
            Path.Combine(Path.GetTempPath(), "tbscreen-web-tests", Guid.NewGuid().ToString("N")), postgres: _server.ConnectionString);
        string folder = Path.Combine(host.AllowedJobRoot, "restart");
        Directory.CreateDirectory(folder);
        for (int i = 0; i < 40; i++)
        {
            await File.WriteAllBytesAsync(Path.Combine(folder, $"{i:D2}.dcm"), TestRadiographs.Phantom(TestRadiographs.NewSeed()));
        }

        using var admin = await host.SignedInClientAsync("admin", TbScreenApiFactory.AdminPassword);
        string id = (await (await admin.PostAsJsonAsync("/api/jobs", new { folder, recursive = false })).JsonAsync(HttpStatusCode.Accepted)).GetProperty("id").ToString();
        await UntilAsync(admin, id, job => job.GetProperty("counts").GetProperty("done").GetInt32() > 0, TimeSpan.FromSeconds(60));

        await _server.RestartAsync(TimeSpan.FromSeconds(4));

        var finished = await UntilAsync(admin, id, job => job.GetProperty("finishedAt").ValueKind != System.Text.Json.JsonValueKind.Null, TimeSpan.FromSeconds(120));
        Assert.Equal("completed", finished.GetProperty("state").GetString());
        Assert.Equal(40, finished.GetProperty("counts").GetProperty("succeeded").GetInt32());
    }

    /// <summary>Polls the job, riding out the errors the outage itself causes.</summary>
    private static async Task<System.Text.Json.JsonElement> UntilAsync(HttpClient client, string id, Func<System.Text.Json.JsonElement, bool> done, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var response = await client.GetAsync($"/api/jobs/{id}");
            if (response.StatusCode == HttpStatusCode.OK && await response.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>() is var job && done(job))
            {
                return job;
            }

            Assert.True(DateTime.UtcNow < deadline, $"job {id} not there after {timeout}");
            await Task.Delay(200);
        }
    }

    public void Dispose() => _server.Dispose();
}

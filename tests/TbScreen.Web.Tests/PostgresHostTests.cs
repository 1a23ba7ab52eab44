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

    public void Dispose() => _server.Dispose();
}

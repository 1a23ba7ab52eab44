using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using TbScreen.Screening.Persistence;
using TbScreen.Web.Identity;
using TbScreen.Web.Tests.Infrastructure;
using static TbScreen.Web.Tests.Infrastructure.HttpAssertions;

namespace TbScreen.Web.Tests;

[Collection(ApiCollection.Name)]
public sealed class AuditTests(TbScreenApiFactory factory)
{
    [Fact]
    public async Task Uploads_and_result_views_by_api_and_page_are_audited_with_the_user_name()
    {
        string clinician = await factory.CreateUserAsync(Roles.Clinician);
        using var client = await factory.SignedInClientAsync(clinician, TbScreenApiFactory.UserPassword);
        var created = await (await client.PostAsync("/api/screenings", Upload(TestRadiographs.Phantom(TestRadiographs.NewSeed()), "audited.dcm")))
            .JsonAsync(HttpStatusCode.Created);
        string id = created.GetProperty("id").ToString();
        await (await client.GetAsync("/api/screenings/" + id)).JsonAsync(HttpStatusCode.OK);
        var page = await client.GetAsync("/results/" + id);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);

        var trail = await factory.Services.GetRequiredService<IScreeningStore>().AuditTrailAsync(5000);
        var mine = trail.Where(e => e.Target == "result/" + id).ToList();
        string sha = created.GetProperty("contentSha256").GetString()!;
        Assert.Contains(mine, e => e.Action == "screening.upload" && e.Actor == clinician && e.Detail == $"sha256 {sha[..12]}");
        Assert.DoesNotContain(trail, e => e.Detail?.Contains("audited.dcm", StringComparison.Ordinal) == true); // no file names (issue 17)
        Assert.Contains(mine, e => e.Action == "screening.view" && e.Actor == clinician && e.Detail == "api");
        Assert.Single(mine, e => e.Action == "screening.view" && e.Actor == clinician && e.Detail == "page");
    }

    [Fact]
    public async Task Image_renderings_are_audited_once_per_user_and_result_within_the_window()
    {
        string clinician = await factory.CreateUserAsync(Roles.Clinician);
        using var client = await factory.SignedInClientAsync(clinician, TbScreenApiFactory.UserPassword);
        var created = await (await client.PostAsync("/api/screenings", Upload(TestRadiographs.Phantom(TestRadiographs.NewSeed()), "x.dcm")))
            .JsonAsync(HttpStatusCode.Created);
        string id = created.GetProperty("id").ToString();
        for (int i = 0; i < 3; i++)
        {
            (await client.GetAsync($"/api/screenings/{id}/image?center={2000 + i}&width=1000")).EnsureSuccessStatusCode();
        }

        var trail = await factory.Services.GetRequiredService<IScreeningStore>().AuditTrailAsync(5000);
        Assert.Single(trail, e => e.Action == "screening.image.view" && e.Actor == clinician && e.Target == "result/" + id);
    }

    [Fact]
    public async Task Sign_ins_and_failed_sign_ins_are_audited()
    {
        string user = await factory.CreateUserAsync(Roles.Auditor);
        using var client = factory.AnonymousClient();
        var failed = await client.PostAsJsonAsync("/api/auth/login", new { userName = user, password = "wrong-password" });
        await failed.ProblemAsync(HttpStatusCode.Unauthorized);
        using var signedIn = await factory.SignedInClientAsync(user, TbScreenApiFactory.UserPassword);

        var trail = await factory.Services.GetRequiredService<IScreeningStore>().AuditTrailAsync(5000);
        Assert.Contains(trail, e => e.Action == "auth.signin.failed" && e.Actor == user);
        Assert.Contains(trail, e => e.Action == "auth.signin" && e.Actor == user);
    }
}

using System.Net;
using Microsoft.Extensions.DependencyInjection;
using TbScreen.Screening.Persistence;
using TbScreen.Web.Tests.Infrastructure;
using static TbScreen.Web.Tests.Infrastructure.HttpAssertions;

namespace TbScreen.Web.Tests;

[Collection(ApiCollection.Name)]
public sealed class AuditTests(TbScreenApiFactory factory)
{
    [Fact]
    public async Task Uploads_and_result_views_are_audited_as_anonymous()
    {
        using var client = factory.CreateClient();
        var created = await (await client.PostAsync("/api/screenings", Upload(TestRadiographs.Phantom(TestRadiographs.NewSeed()), "audited.dcm")))
            .JsonAsync(HttpStatusCode.Created);
        string target = "result/" + created.GetProperty("id").ToString();
        await (await client.GetAsync("/api/screenings/" + created.GetProperty("id"))).JsonAsync(HttpStatusCode.OK);

        var trail = await factory.Services.GetRequiredService<IScreeningStore>().AuditTrailAsync(1000);
        var mine = trail.Where(e => e.Target == target).ToList();
        Assert.Contains(mine, e => e.Action == "screening.upload" && e.Actor == "anonymous" && e.Detail == "audited.dcm");
        Assert.Contains(mine, e => e.Action == "screening.view" && e.Actor == "anonymous");
    }
}

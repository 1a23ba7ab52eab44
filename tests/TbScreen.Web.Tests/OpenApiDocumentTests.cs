using System.Net;
using TbScreen.Web.Identity;
using TbScreen.Web.Tests.Infrastructure;

namespace TbScreen.Web.Tests;

[Collection(ApiCollection.Name)]
public sealed class OpenApiDocumentTests(TbScreenApiFactory factory)
{
    [Fact]
    public async Task Document_lists_what_the_pages_do_and_the_research_notice()
    {
        using var client = await factory.ClientAsAsync(Roles.Clinician);
        var document = await (await client.GetAsync("/openapi/v1.json")).JsonAsync(HttpStatusCode.OK);

        Assert.Contains("Research use only", document.GetProperty("info").GetProperty("description").GetString());
        var paths = document.GetProperty("paths");
        Assert.True(paths.GetProperty("/api/screenings").TryGetProperty("post", out var upload));
        Assert.True(paths.GetProperty("/api/screenings/{id}").TryGetProperty("get", out _));
        Assert.True(paths.GetProperty("/api/jobs").TryGetProperty("post", out _));
        Assert.True(paths.GetProperty("/api/jobs/{id}").TryGetProperty("get", out _));
        Assert.True(paths.GetProperty("/api/jobs/uploads").TryGetProperty("post", out _));
        Assert.True(paths.GetProperty("/api/jobs/{id}/results.csv").TryGetProperty("get", out _));
        Assert.True(paths.GetProperty("/api/worklist").TryGetProperty("get", out _));
        Assert.True(paths.GetProperty("/api/worklist/stats").TryGetProperty("get", out _));
        Assert.True(paths.GetProperty("/api/screenings/{id}/reviews").TryGetProperty("post", out _));
        Assert.True(paths.GetProperty("/api/screenings/{id}/image").TryGetProperty("get", out _));
        Assert.True(paths.GetProperty("/api/reports").TryGetProperty("get", out _));
        Assert.True(paths.GetProperty("/api/auth/login").TryGetProperty("post", out _));
        Assert.True(upload.GetProperty("requestBody").GetProperty("content").TryGetProperty("multipart/form-data", out _));
    }
}

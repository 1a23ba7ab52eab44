using System.Net;
using TbScreen.Web.Tests.Infrastructure;

namespace TbScreen.Web.Tests;

[Collection(ApiCollection.Name)]
public sealed class OpenApiDocumentTests(TbScreenApiFactory factory)
{
    [Fact]
    public async Task Document_lists_the_four_operations_and_the_research_notice()
    {
        using var client = factory.CreateClient();
        var document = await (await client.GetAsync("/openapi/v1.json")).JsonAsync(HttpStatusCode.OK);

        Assert.Contains("Research use only", document.GetProperty("info").GetProperty("description").GetString());
        var paths = document.GetProperty("paths");
        Assert.True(paths.GetProperty("/api/screenings").TryGetProperty("post", out var upload));
        Assert.True(paths.GetProperty("/api/screenings/{id}").TryGetProperty("get", out _));
        Assert.True(paths.GetProperty("/api/jobs").TryGetProperty("post", out _));
        Assert.True(paths.GetProperty("/api/jobs/{id}").TryGetProperty("get", out _));
        Assert.True(upload.GetProperty("requestBody").GetProperty("content").TryGetProperty("multipart/form-data", out _));
    }
}

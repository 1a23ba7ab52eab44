using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using TbScreen.Cli.Tests.Pacs;
using TbScreen.Web.E2ETests.Infrastructure;

namespace TbScreen.Web.E2ETests;

/// <summary>
/// Orthanc as a real DICOMweb client of the running host, with HTTP Basic credentials: it stores a radiograph into
/// TbScreen by STOW-RS, finds the study's result objects by QIDO-RS and pulls them back into its own archive by a
/// study-level WADO-RS retrieve, where they sit beside the radiograph.
/// </summary>
[Collection(DashboardCollection.Name)] // run beside the browser tests, not at the same time
public sealed class OrthancDicomWebTests
{
    [SkippableFact]
    public async Task Orthanc_stores_by_STOW_searches_by_QIDO_and_pulls_the_results_back_by_WADO()
    {
        // Its own app: what Orthanc stores here must not become a row of the shared dashboard's worklist.
        await using var app = await WebAppProcess.StartAsync();
        var servers = new Dictionary<string, object>
        {
            ["tbscreen"] = new Dictionary<string, object>
            {
                ["Url"] = new Uri(app.BaseUrl, "dicomweb/").ToString(),
                ["Username"] = WebAppProcess.AdminUser,
                ["Password"] = WebAppProcess.AdminPassword,
            },
        };
        using var orthanc = new OrthancServer("TBSCREEN", 104, servers);
        Skip.If(orthanc.SkipReason is not null, orthanc.SkipReason);

        var upload = await orthanc.Http.PostAsync("instances", new ByteArrayContent(File.ReadAllBytes(Path.Combine(RepositoryPaths.Samples, "phantom-jpeg-ls.dcm"))));
        Assert.True(upload.IsSuccessStatusCode, await upload.Content.ReadAsStringAsync());
        using var uploaded = JsonDocument.Parse(await upload.Content.ReadAsStringAsync());
        string instanceId = uploaded.RootElement.GetProperty("ID").GetString()!;
        string studyId = uploaded.RootElement.GetProperty("ParentStudy").GetString()!;
        using var tags = JsonDocument.Parse(await orthanc.Http.GetStringAsync($"instances/{instanceId}/simplified-tags"));
        string studyUid = tags.RootElement.GetProperty("StudyInstanceUID").GetString()!;

        var stow = await Orthanc(orthanc, "dicom-web/servers/tbscreen/stow", new { Resources = new[] { instanceId } });
        Assert.True(stow.IsSuccessStatusCode, await stow.Content.ReadAsStringAsync() + app.Log);

        // Screening and building the SR and capture take a moment: Orthanc's QIDO-RS through TbScreen until they are there.
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var qido = await Orthanc(orthanc, "dicom-web/servers/tbscreen/get", new { Uri = "/studies", Arguments = new Dictionary<string, string> { ["StudyInstanceUID"] = studyUid } });
            string answer = await qido.Content.ReadAsStringAsync();
            if (qido.IsSuccessStatusCode && answer.Contains("\"00201208\"", StringComparison.Ordinal) && answer.Contains("\"SR\"", StringComparison.Ordinal) && answer.Contains("\"OT\"", StringComparison.Ordinal))
            {
                break;
            }

            Assert.True(clock.Elapsed < TimeSpan.FromMinutes(2), $"QIDO-RS through Orthanc: {(int)qido.StatusCode} {answer}\n{app.Log}");
            await Task.Delay(500);
        }

        var retrieve = await Orthanc(orthanc, "dicom-web/servers/tbscreen/retrieve", new { Resources = new[] { new { Study = studyUid } } });
        Assert.True(retrieve.IsSuccessStatusCode, await retrieve.Content.ReadAsStringAsync() + app.Log);

        using var series = JsonDocument.Parse(await orthanc.Http.GetStringAsync($"studies/{studyId}/series"));
        var modalities = series.RootElement.EnumerateArray().Select(s => s.GetProperty("MainDicomTags").GetProperty("Modality").GetString()).Order(StringComparer.Ordinal);
        Assert.Equal(["CR", "OT", "SR"], modalities);
        Assert.Contains("dicomweb.wado", await AuditAsync(app), StringComparison.Ordinal);
    }

    /// <summary>Orthanc's REST API wants its field names as written (PascalCase), not the web defaults' camelCase.</summary>
    private static Task<HttpResponseMessage> Orthanc(OrthancServer orthanc, string path, object body) =>
        orthanc.Http.PostAsync(path, new StringContent(JsonSerializer.Serialize(body), System.Text.Encoding.UTF8, "application/json"));

    private static async Task<string> AuditAsync(WebAppProcess app)
    {
        using var client = new HttpClient { BaseAddress = app.BaseUrl };
        var login = await client.PostAsJsonAsync("api/auth/login", new { userName = WebAppProcess.AdminUser, password = WebAppProcess.AdminPassword });
        Assert.True(login.IsSuccessStatusCode, await login.Content.ReadAsStringAsync());
        return await client.GetStringAsync("api/audit?count=200");
    }
}

using System.Net.Http.Json;
using Microsoft.Playwright;
using TbScreen.Cli.Tests.Pacs;
using TbScreen.Web.E2ETests.Infrastructure;
using static Microsoft.Playwright.Assertions;
using static TbScreen.Web.E2ETests.Infrastructure.DashboardSteps;

namespace TbScreen.Web.E2ETests;

/// <summary>
/// An admin screens an archive in the browser: on the PACS page, Orthanc (a configured archive) is asked for chest
/// studies of any date, the one it holds is listed, and "Screen these" pulls it into the host, which screens it
/// (its result is this app's first). A bad date range is refused on the form.
/// </summary>
[Collection(DashboardCollection.Name)]
public sealed class ArchivePullFlowTests(DashboardApp dashboard)
{
    [SkippableFact]
    public async Task An_admin_finds_a_study_on_the_archive_and_screens_it_from_the_pacs_page()
    {
        using var orthanc = new OrthancServer("TBSCREEN", 104);
        Skip.If(orthanc.SkipReason is not null, orthanc.SkipReason);
        var upload = await orthanc.Http.PostAsync("instances", new ByteArrayContent(File.ReadAllBytes(Sample("phantom-explicit-le-mono2.dcm"))));
        Assert.True(upload.IsSuccessStatusCode, await upload.Content.ReadAsStringAsync());
        // Its own app: the pulled radiograph must not become a row of the shared dashboard's worklist.
        await using var app = await WebAppProcess.StartAsync(settings: new Dictionary<string, string>
        {
            ["TbScreen__Dicom__Archives__0"] = $"ORTHANC@127.0.0.1:{orthanc.DicomPort}",
        });
        var page = await dashboard.NewPageAsync(app);
        await SignInAsync(page, WebAppProcess.AdminUser, WebAppProcess.AdminPassword);
        await GotoInteractiveAsync(page, "admin/pacs");

        // Repeated until it shows: on a loaded machine the form can be filled and clicked before the circuit is up,
        // and the first interactive render then resets the dates (ci29 failed so).
        var message = page.GetByTestId("pull-message");
        await UntilAsync(async () =>
        {
            await page.GetByTestId("pull-from").FillAsync("2030-01-02");
            await page.GetByTestId("pull-to").FillAsync("2030-01-01");
            await ClickIfVisibleAsync(page.GetByTestId("pull-find"));
        }, async () => await message.IsVisibleAsync() && await message.TextContentAsync() == "The first study date is after the last.", "refuse a reversed date range");

        // Any date: clear both ends of the range.
        await page.GetByTestId("pull-from").FillAsync("");
        await page.GetByTestId("pull-to").FillAsync("");
        await page.GetByTestId("pull-find").ClickAsync();
        await Expect(page.GetByTestId("pull-message")).ToHaveTextAsync("ORTHANC: 1 studies match.", new() { Timeout = 30_000 });
        await Expect(page.GetByTestId("pull-found").Locator("tbody tr")).ToHaveCountAsync(1);

        await page.GetByTestId("pull-start").ClickAsync();
        await Expect(page.GetByTestId("pull-message")).ToContainTextAsync("Pull #1 started: 1 studies from ORTHANC");
        await Expect(page.GetByTestId("pull-progress")).ToHaveTextAsync("done: 1/1 studies, 1 radiographs received, 0 objects not taken, 0 studies refused",
            new() { Timeout = 60_000 });
        await page.Context.CloseAsync();

        using var client = new HttpClient { BaseAddress = app.BaseUrl };
        var login = await client.PostAsJsonAsync("api/auth/login", new { userName = WebAppProcess.AdminUser, password = WebAppProcess.AdminPassword });
        Assert.True(login.IsSuccessStatusCode, await login.Content.ReadAsStringAsync());
        var clock = System.Diagnostics.Stopwatch.StartNew();
        Assert.Contains("\"dicom.pull\"", await client.GetStringAsync("api/audit?count=200"), StringComparison.Ordinal);
        while (!(await client.GetAsync("api/screenings/1")).IsSuccessStatusCode) // the first result of this app: the pulled radiograph's
        {
            Assert.True(clock.Elapsed < TimeSpan.FromMinutes(2), "the pulled study did not reach the worklist:\n" + app.Log);
            await Task.Delay(500);
        }
    }
}

using Microsoft.Playwright;
using TbScreen.Web.E2ETests.Infrastructure;
using static Microsoft.Playwright.Assertions;
using static TbScreen.Web.E2ETests.Infrastructure.DashboardSteps;

namespace TbScreen.Web.E2ETests;

/// <summary>
/// Captures the main pages for docs/: sign-in, upload, result with heatmap, worklist, review, jobs, models. Runs the
/// app with the browser tests' ensemble.json (the phantoms fall in the review band, so the worklist has cases),
/// except the models page, which comes from a second instance on the shipped models so it shows the real thresholds.
/// </summary>
internal static class Screenshots
{
    private const string Radiologist = "radiologist";
    private const string RadiologistPassword = "Radiologist-Passw0rd!";

    public static async Task<int> CaptureAsync(string folder, TextWriter log)
    {
        ChromiumBrowser.Require();
        Directory.CreateDirectory(folder);
        var (playwright, browser) = await ChromiumBrowser.LaunchAsync();
        try
        {
            await using (var app = await WebAppProcess.StartAsync())
            {
                await CaptureFlowAsync(app, browser, folder, log);
            }

            await using (var shipped = await WebAppProcess.StartAsync(testEnsemble: false))
            {
                var page = await NewPageAsync(browser, shipped);
                await SignInAsync(page, WebAppProcess.AdminUser, WebAppProcess.AdminPassword);
                await GotoInteractiveAsync(page, "models");
                await SaveAsync(page, folder, "models", log, fullPage: false); // the model cards run to many screens
            }

            return 0;
        }
        finally
        {
            await browser.DisposeAsync();
            playwright.Dispose();
        }
    }

    private static async Task CaptureFlowAsync(WebAppProcess app, IBrowser browser, string folder, TextWriter log)
    {
        var page = await NewPageAsync(browser, app);
        await page.GotoAsync("signin");
        await SaveAsync(page, folder, "signin", log);

        await SignInAsync(page, WebAppProcess.AdminUser, WebAppProcess.AdminPassword);
        var created = await page.APIRequest.PostAsync("api/users", new()
        {
            DataObject = new { userName = Radiologist, password = RadiologistPassword, roles = new[] { "radiologist" } },
        });
        Check(created, "create the radiologist");

        var links = await UploadAsync(page, Sample("phantom-explicit-le-mono2.dcm"), Sample("phantom-jpeg2000-mono1.dcm"), Sample("phantom-rle-mono1.dcm"));
        await SaveAsync(page, folder, "upload", log);

        await links.Last.ClickAsync();
        // Enhanced navigation changes the URL before the new page renders: wait for the viewer itself.
        await Expect(page.GetByTestId("heatmap")).ToBeVisibleAsync();
        await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
        await page.WaitForFunctionAsync("() => [...document.querySelectorAll('[data-testid=radiograph],[data-testid=heatmap]')].every(i => i.complete && i.naturalWidth > 0)");
        await SaveAsync(page, folder, "result", log);

        await OpenFinishedFolderJobAsync(page, app);
        await page.WaitForTimeoutAsync(500); // the progress bar's width transition
        await SaveAsync(page, folder, "jobs", log);
        await page.Context.CloseAsync();

        // The radiologist resolves one case (so the statistics have a final read), then opens another.
        var reader = await NewPageAsync(browser, app);
        await SignInAsync(reader, Radiologist, RadiologistPassword);
        await GotoInteractiveAsync(reader, "worklist");
        var firstCase = reader.Locator("tr[data-row-id]").First;
        string firstId = (await firstCase.GetAttributeAsync("data-row-id"))!;
        var review = await reader.APIRequest.PostAsync($"api/screenings/{firstId}/reviews", new() { DataObject = new { finalLabel = "not-tb", note = "Synthetic phantom: clear lung fields." } });
        Check(review, "review a case");
        await GotoInteractiveAsync(reader, "worklist");
        await SaveAsync(reader, folder, "worklist", log);

        string secondId = (await reader.Locator("tr[data-row-id]").First.GetAttributeAsync("data-row-id"))!;
        await GotoInteractiveAsync(reader, $"results/{secondId}");
        var form = reader.GetByTestId("review-form");
        await UntilAsync(() => form.Locator("input[type=radio][data-label=not-tb]").CheckAsync(),
            async () => await form.GetByText("required: you are overriding the model").CountAsync() == 1, "choose not-tb");
        await form.Locator("textarea").FillAsync("Clear lung fields, no cavitation; the score sits inside the uncertainty band.");
        await form.ScrollIntoViewIfNeededAsync();
        await SaveAsync(reader, folder, "review", log);
        await reader.Context.CloseAsync();
    }

    private static async Task<IPage> NewPageAsync(IBrowser browser, WebAppProcess app)
    {
        var context = await browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = app.BaseUrl.ToString(),
            ViewportSize = new ViewportSize { Width = 1366, Height = 900 },
        });
        context.SetDefaultTimeout(60_000);
        return await context.NewPageAsync();
    }

    private static async Task SaveAsync(IPage page, string folder, string name, TextWriter log, bool fullPage = true)
    {
        string path = Path.Combine(folder, name + ".png");
        // Blazor focuses the page's h1 after navigation (for screen readers); its focus ring is noise in a picture.
        await page.EvaluateAsync("() => document.activeElement instanceof HTMLElement && document.activeElement.blur()");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = fullPage });
        log.WriteLine($"{path} ({page.Url})");
    }

    private static void Check(IAPIResponse response, string what)
    {
        if (!response.Ok)
        {
            throw new InvalidOperationException($"{what}: {response.Status} {response.TextAsync().GetAwaiter().GetResult()}");
        }
    }
}

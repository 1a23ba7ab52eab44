using System.Text.RegularExpressions;
using Microsoft.Playwright;
using TbScreen.Web.E2ETests.Infrastructure;
using static Microsoft.Playwright.Assertions;
using static TbScreen.Web.E2ETests.Infrastructure.DashboardSteps;

namespace TbScreen.Web.E2ETests;

/// <summary>An admin sets up a site profile in the browser: create, calibrate from a labelled CSV, read the ROC and the warning, approve.</summary>
[Collection(DashboardCollection.Name)]
public sealed class SiteFlowTests(DashboardApp dashboard)
{
    [SkippableFact]
    public async Task An_admin_creates_a_site_calibrates_it_from_a_csv_and_approves_the_profile()
    {
        // 4 positives and 4 negatives: for sensitivity 0.75 the threshold is 0.6 (specificity 0.75), under 30 a class.
        string csv = Path.Combine(Path.GetTempPath(), $"site-sample-{Guid.NewGuid():N}.csv");
        await File.WriteAllTextAsync(csv, "score,label\n0.9,1\n0.8,1\n0.6,1\n0.4,1\n0.7,0\n0.3,0\n0.2,0\n0.1,0\n");
        string site = "e2e-" + Guid.NewGuid().ToString("N")[..8];
        var page = await dashboard.NewPageAsync();
        await SignInAsync(page, WebAppProcess.AdminUser, WebAppProcess.AdminPassword);
        await GotoInteractiveAsync(page, "admin/sites");

        var row = page.Locator($"tr[data-site='{site}']");
        await UntilAsync(async () =>
        {
            await page.GetByTestId("site-name").FillAsync(site);
            await page.GetByTestId("site-rules").FillAsync("station: E2E-" + site);
            await ClickIfVisibleAsync(page.GetByTestId("create-site"));
        }, async () => await row.CountAsync() == 1, "create the site");
        await Expect(row).ToContainTextAsync("none (shipped threshold)");

        await page.GetByTestId("target-sensitivity").FillAsync("0.75");
        await page.GetByTestId("target-sensitivity").BlurAsync();
        var input = page.GetByTestId("calibrate-file");
        await input.EvaluateAsync("el => new Promise(resolve => { const check = () => el._blazorInputFileNextFileId !== undefined ? resolve() : setTimeout(check, 50); check(); })");
        await input.SetInputFilesAsync(csv);

        var latest = page.GetByTestId("latest-profile");
        await Expect(latest).ToContainTextAsync("threshold 0.6 for sensitivity 0.75", new() { Timeout = 30_000 });
        await Expect(latest).ToContainTextAsync("specificity 0.75");
        await Expect(page.GetByTestId("calibration-warning")).ToContainTextAsync("small sample (4 positives, 4 negatives; at least 30 of each is recommended)");
        var roc = page.GetByTestId("site-roc");
        await page.WaitForFunctionAsync("() => { const i = document.querySelector('[data-testid=site-roc]'); return i && i.complete && i.naturalWidth > 0; }");
        Assert.True(await IsImageLoadedAsync(roc));
        await Expect(page.Locator("tr[data-version='1']")).ToContainTextAsync("proposed");

        await page.GetByTestId("approve-profile").ClickAsync();
        await Expect(page.Locator("tr[data-version='1']")).ToContainTextAsync("active");
        await Expect(page.GetByTestId("sites-message")).ToContainTextAsync($"{site} v1 is active: threshold 0.6.");
        await Expect(row).ToContainTextAsync("v1: threshold 0.6");
        await Expect(page.GetByTestId("approve-profile")).ToHaveCountAsync(0);
        await page.Context.CloseAsync();
    }
}

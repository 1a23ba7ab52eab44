using Microsoft.Playwright;
using TbScreen.Web.E2ETests.Infrastructure;
using static Microsoft.Playwright.Assertions;
using static TbScreen.Web.E2ETests.Infrastructure.DashboardSteps;

namespace TbScreen.Web.E2ETests;

/// <summary>
/// The dashboard under its strict Content-Security-Policy (script-src and style-src 'self': no inline script or style
/// runs): every page renders and its interactive parts work with no refusal in the console, the parts that once used
/// style attributes (heatmap opacity, score bars, job progress, model-card table alignment) still look as meant, and
/// a lost connection shows our own reconnection notice (Blazor's built-in one injects a style element).
/// </summary>
[Collection(DashboardCollection.Name)]
public sealed class ContentPolicyFlowTests(DashboardApp dashboard)
{
    [SkippableFact]
    public async Task Every_page_works_under_the_policy_and_the_former_inline_styles_still_apply()
    {
        var (app, _) = await dashboard.StartAsync();
        var page = await dashboard.NewPageAsync();
        var problems = await WatchConsoleAsync(page);
        await SignInAsync(page, WebAppProcess.AdminUser, WebAppProcess.AdminPassword);

        // A result: the viewer's opacity class is applied by the stylesheet, and the score bars are drawn to scale.
        var link = (await UploadAsync(page, Sample("phantom-explicit-le-mono2.dcm"))).First;
        await link.ClickAsync();
        var heatmap = page.GetByTestId("heatmap");
        await Expect(heatmap).ToBeVisibleAsync();
        await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
        await Expect(heatmap).ToHaveCSSAsync("opacity", "0.45"); // the slider's own change: DashboardFlowTests
        // Auto-retrying checks throughout: the circuit's first render can replace the prerendered elements (ci36 read
        // the computed style of a replaced, detached bar once: "").
        var ensembleFill = page.Locator("[data-score=ensemble] svg.tb-bar rect.tb-bar__fill");
        await Expect(ensembleFill).ToHaveCSSAsync("fill", "rgb(9, 105, 218)");
        await page.WaitForFunctionAsync(
            "() => { const fill = document.querySelector('[data-score=ensemble] svg.tb-bar rect.tb-bar__fill'); if (!fill) return false;"
            + " const score = parseFloat(fill.getAttribute('width')) / 100;"
            + " const drawn = fill.getBoundingClientRect().width / fill.ownerSVGElement.getBoundingClientRect().width;"
            + " return score > 0 && Math.abs(drawn - score) < 0.02; }");

        // A finished batch job: the progress bar is full.
        await OpenFinishedFolderJobAsync(page, app);
        var progress = page.Locator("progress.tb-job-progress__bar");
        await page.WaitForFunctionAsync("() => { const p = document.querySelector('progress.tb-job-progress__bar'); return p !== null && p.max > 0 && p.value === p.max; }");
        await Expect(progress).ToBeVisibleAsync();

        // Model cards: right-aligned table columns by class.
        await GotoInteractiveAsync(page, "models");
        var rightAligned = page.Locator(".model-card td.tb-align-right").First;
        await Expect(rightAligned).ToBeVisibleAsync();
        await Expect(rightAligned).ToHaveCSSAsync("text-align", "right");

        foreach (string path in new[] { "", "upload", "worklist", "jobs", "reports", "monitoring", "audit", "admin/sites", "admin/pacs", "admin/users", "account/password" })
        {
            var response = await page.GotoAsync(path);
            Assert.True(response?.Status == 200, $"GET /{path}: {response?.Status}");
            await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
        }

        await Expect(page.Locator("#blazor-error-ui")).ToBeHiddenAsync();
        await Expect(page.Locator("#components-reconnect-modal")).ToBeHiddenAsync();
        Assert.True(problems.IsEmpty, "console errors: " + string.Join("\n", problems));
        await page.Context.CloseAsync();
    }

    [SkippableFact]
    public async Task A_lost_connection_shows_the_reconnection_notice_without_a_policy_refusal()
    {
        await dashboard.BrowserAsync(); // the chromium check first: a missing browser fails (or skips) before the host starts
        var app = await WebAppProcess.StartAsync();
        IPage page;
        System.Collections.Concurrent.ConcurrentQueue<string> problems;
        try
        {
            page = await dashboard.NewPageAsync(app);
            problems = await WatchConsoleAsync(page);
            await SignInAsync(page, WebAppProcess.AdminUser, WebAppProcess.AdminPassword);
            await GotoInteractiveAsync(page, "admin/users");
            var message = page.Locator("div.alert[role=status]");
            await UntilAsync(() => ClickIfVisibleAsync(page.GetByTestId("create-user")), async () => await message.CountAsync() == 1, "the circuit answers a click");
            await Expect(page.Locator("#components-reconnect-modal")).ToBeHiddenAsync();
        }
        finally
        {
            await app.DisposeAsync(); // the server goes away under the open circuit
        }

        var notice = page.Locator("#components-reconnect-modal");
        await Expect(notice).ToBeVisibleAsync(new() { Timeout = 30_000 });
        await Expect(notice).ToHaveClassAsync(new System.Text.RegularExpressions.Regex("components-reconnect-(show|retrying|failed)"));
        await Expect(notice.Locator("p:visible")).ToHaveCountAsync(1);
        await Expect(notice).ToContainTextAsync(new System.Text.RegularExpressions.Regex("The connection to the server was lost|The server cannot be reached"));

        // Only the failed connection attempts themselves may be in the console: no refused style or script.
        Assert.DoesNotContain(problems, p => p.Contains("Content Security Policy", StringComparison.Ordinal) || p.StartsWith("CSP violation", StringComparison.Ordinal));
        await page.Context.CloseAsync();
    }
}

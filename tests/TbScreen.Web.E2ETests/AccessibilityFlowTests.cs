using System.Text;
using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;
using TbScreen.Web.E2ETests.Infrastructure;
using static Microsoft.Playwright.Assertions;
using static TbScreen.Web.E2ETests.Infrastructure.DashboardSteps;

namespace TbScreen.Web.E2ETests;

/// <summary>
/// Every dashboard page checked by axe-core (Deque's engine, run in Chromium) against WCAG 2.1 levels A and AA:
/// a clinician using a screen reader, the keyboard alone or a zoomed display must be able to read a result and
/// review a case. Pages are checked as a user sees them: signed in, with a screened result, a finished job and a
/// worklist entry.
/// </summary>
[Collection(DashboardCollection.Name)]
public sealed class AccessibilityFlowTests(DashboardApp dashboard)
{
    private static readonly AxeRunOptions Wcag21AA = new()
    {
        RunOnly = new RunOnlyOptions { Type = "tag", Values = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] },
    };

    [SkippableFact]
    public async Task Every_page_meets_WCAG_2_1_AA_as_axe_checks_it()
    {
        var (app, _) = await dashboard.StartAsync();
        var page = await dashboard.NewPageAsync();
        var report = new StringBuilder();

        await GotoInteractiveAsync(page, "signin");
        await CheckAsync(page, "signin", report);

        await SignInAsync(page, WebAppProcess.AdminUser, WebAppProcess.AdminPassword);
        var link = (await UploadAsync(page, Sample("phantom-explicit-le-mono2.dcm"))).First;
        await CheckAsync(page, "upload (with a result)", report);
        await link.ClickAsync();
        await Expect(page.GetByTestId("heatmap")).ToBeVisibleAsync();
        await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
        await CheckAsync(page, "result", report);
        string resultPath = new Uri(page.Url).AbsolutePath;

        await OpenFinishedFolderJobAsync(page, app);
        await CheckAsync(page, "job", report);

        // The sites page with a site in its table and that site open (calibration form and versions).
        string site = "a11y-site-" + Guid.NewGuid().ToString("N")[..8];
        var createdSite = await page.APIRequest.PostAsync("api/sites", new() { DataObject = new { name = site, rules = Array.Empty<string>() } });
        Assert.True(createdSite.Status == 201, $"create {site}: {createdSite.Status} {await createdSite.TextAsync()}");
        await GotoInteractiveAsync(page, "admin/sites");
        await CheckAsync(page, "/admin/sites (with a site)", report);
        await UntilAsync(() => ClickIfVisibleAsync(page.GetByRole(AriaRole.Button, new() { Name = site, Exact = true })),
            async () => await page.GetByTestId("site-detail").CountAsync() == 1, "open the site");
        await CheckAsync(page, "/admin/sites (a site open)", report);

        foreach (string path in new[] { "", "worklist", "jobs", "models", "reports", "monitoring", "audit", "admin/pacs", "admin/users", "account/password", "not-found" })
        {
            await GotoInteractiveAsync(page, path);
            await CheckAsync(page, "/" + path, report);
        }

        // A radiologist's view: the worklist, and the result with the review form showing a validation error.
        string radiologist = "a11y-" + Guid.NewGuid().ToString("N")[..8];
        const string password = "A11y-e2e-Passw0rd!";
        var created = await page.APIRequest.PostAsync("api/users", new() { DataObject = new { userName = radiologist, password, roles = new[] { "radiologist" } } });
        Assert.True(created.Status == 201, $"create {radiologist}: {created.Status} {await created.TextAsync()}");
        await page.Context.CloseAsync();

        var reader = await dashboard.NewPageAsync();
        Assert.StartsWith("Wrong user name or password", await RefusedSignInAsync(reader, radiologist, "Wrong-Passw0rd-1!"), StringComparison.Ordinal);
        await CheckAsync(reader, "signin (after a wrong password)", report);
        await SignInAsync(reader, radiologist, password);
        await GotoInteractiveAsync(reader, "worklist");
        await CheckAsync(reader, "worklist (radiologist)", report);
        await GotoInteractiveAsync(reader, resultPath.TrimStart('/'));
        var form = reader.GetByTestId("review-form");
        await UntilAsync(() => form.Locator("input[type=radio][data-label=not-tb]").CheckAsync(),
            async () => await form.GetByText("required: you are overriding the model").CountAsync() == 1, "choose not-tb");
        await form.GetByTestId("review-submit").ClickAsync();
        await Expect(form.Locator(".validation-message")).ToContainTextAsync("A note is required");
        await CheckAsync(reader, "result (radiologist, review form with an error)", report);

        Assert.True(report.Length == 0, "WCAG 2.1 AA violations (axe-core):\n" + report);
        await reader.Context.CloseAsync();
    }

    private static async Task CheckAsync(IPage page, string what, StringBuilder report)
    {
        AxeResult result = await page.RunAxe(Wcag21AA);
        // The rules really ran on this page (a wrong tag filter would run none and pass everything).
        var ran = result.Passes.Concat(result.Violations).Concat(result.Incomplete).Select(r => r.Id).ToHashSet();
        Assert.True(ran.IsSupersetOf(["color-contrast", "document-title", "html-has-lang"]), $"{what}: axe ran only {string.Join(", ", ran)}");
        foreach (var violation in result.Violations)
        {
            report.AppendLine($"{what}: {violation.Id} ({violation.Impact}): {violation.Help}");
            foreach (var node in violation.Nodes.Take(5))
            {
                report.AppendLine($"    {string.Join(" ", node.Target)}: {Shorten(node.Html)}");
            }
        }
    }

    private static string Shorten(string html) => html.Length <= 160 ? html : html[..157] + "...";
}

using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using TbScreen.Web.E2ETests.Infrastructure;
using static Microsoft.Playwright.Assertions;
using static TbScreen.Web.E2ETests.Infrastructure.DashboardSteps;

namespace TbScreen.Web.E2ETests;

/// <summary>
/// The Monitoring page in the browser: a site's results drift from the validation reference, and the page, filtered to
/// that site by day through its form, shows that site alone with the period's numbers and the drift alert.
/// </summary>
[Collection(DashboardCollection.Name)]
public sealed class MonitoringFlowTests(DashboardApp dashboard)
{
    [SkippableFact]
    public async Task An_admin_filters_the_monitoring_page_to_a_site_and_reads_its_drift_alert()
    {
        // Reference 0.05 and 0.10: one inner edge, 0.10. The phantom scores about 0.7, above every reference score: its
        // shares (0 → 1e-4, 1) against (0.5, 0.5) give PSI = (1e-4 − 0.5) ln(1e-4 / 0.5) + (1 − 0.5) ln(1 / 0.5) = 4.604,
        // and the two-sample KS D is 1.
        string reference = Path.Combine(Directory.CreateTempSubdirectory("tbscreen-e2e-reference-").FullName, "reference-scores.json");
        await File.WriteAllTextAsync(reference, "{\"scores\": [0.05, 0.10], \"modelVersion\": \"e2e\"}");
        await using var app = await WebAppProcess.StartAsync(settings: new Dictionary<string, string>
        {
            ["Monitoring__ReferenceFile"] = reference,
            ["Monitoring__MinimumCases"] = "1",
        });
        string site = "mon-" + Guid.NewGuid().ToString("N")[..8];
        using (var client = new HttpClient { BaseAddress = app.BaseUrl })
        {
            client.DefaultRequestHeaders.Add("X-TbScreen-Client", "e2e"); // multipart uploads need it (forgery check)
            var login = await client.PostAsJsonAsync("api/auth/login", new { userName = WebAppProcess.AdminUser, password = WebAppProcess.AdminPassword });
            Assert.True(login.IsSuccessStatusCode, await login.Content.ReadAsStringAsync());
            var created = await client.PostAsJsonAsync("api/sites", new { name = site, rules = Array.Empty<string>() });
            Assert.True(created.IsSuccessStatusCode, await created.Content.ReadAsStringAsync());
            // One radiograph for the site, another for no site: the filter must tell them apart.
            foreach (var (sample, chosen) in new[] { ("phantom-explicit-le-mono2.dcm", site), ("phantom-implicit-le-mono1.dcm", null) })
            {
                var file = new ByteArrayContent(await File.ReadAllBytesAsync(Sample(sample)));
                file.Headers.ContentType = new MediaTypeHeaderValue("application/dicom");
                var form = new MultipartFormDataContent { { file, "file", sample } };
                if (chosen is not null)
                {
                    form.Add(new StringContent(chosen), "site");
                }

                var upload = await client.PostAsync("api/screenings", form);
                Assert.True(upload.IsSuccessStatusCode, await upload.Content.ReadAsStringAsync());
            }
        }

        var page = await dashboard.NewPageAsync(app);
        await SignInAsync(page, WebAppProcess.AdminUser, WebAppProcess.AdminPassword);
        await page.GotoAsync("monitoring");
        await Expect(page.GetByTestId("monitoring-reference")).ToContainTextAsync("(2 scores, models e2e)");
        await Expect(page.Locator("tr[data-site]")).ToHaveCountAsync(2); // every site: ours and "(no site)"

        // The page's own form: a plain GET, so it works before any script runs.
        await page.GetByTestId("monitoring-site").FillAsync(site);
        await page.Locator("select[name=period]").SelectOptionAsync("day");
        await page.GetByRole(Microsoft.Playwright.AriaRole.Button, new() { Name = "Show" }).ClickAsync();

        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex($"monitoring\\?site={site}&period=day$"));
        string today = DateTime.UtcNow.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var row = page.Locator($"tr[data-site='{site}']");
        await Expect(row).ToHaveCountAsync(1);
        await Expect(row).ToHaveAttributeAsync("data-period", today);
        await Expect(row.Locator("td").Nth(2)).ToHaveTextAsync("1");
        await Expect(row.Locator("td").Nth(7)).ToHaveTextAsync("4.604");
        await Expect(row.Locator("td").Nth(8)).ToHaveTextAsync("1.000");
        await Expect(page.GetByTestId("monitoring-alerts")).ToContainTextAsync($"{site}, {today}: PSI 4.604 > 0.25, KS 1.000 > 0.2");
        // Only the chosen site is listed.
        await Expect(page.Locator("tr[data-site]")).ToHaveCountAsync(1);
        await page.Context.CloseAsync();
    }
}

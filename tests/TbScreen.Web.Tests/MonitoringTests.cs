using System.Net;
using System.Net.Http.Json;
using TbScreen.Web.Identity;
using TbScreen.Web.Tests.Infrastructure;
using static TbScreen.Web.Tests.Infrastructure.HttpAssertions;

namespace TbScreen.Web.Tests;

/// <summary>The Monitoring page and GET /api/monitoring: auditors and admins only, the numbers of tbscreen monitor.</summary>
[Collection(ApiCollection.Name)]
public sealed class MonitoringTests(TbScreenApiFactory factory)
{
    [Fact]
    public async Task A_sites_results_are_monitored_against_the_reference_with_alerts()
    {
        // Reference 0.5 and 0.6: one inner edge, 0.6 (the 0.5 edges equal the minimum and are dropped). A phantom scores
        // about 0.7 (the samples 0.667-0.730), over the shipped threshold 0.2898: current shares (0 → 1e-4, 1) against
        // (0.5, 0.5), so PSI = (1e-4 − 0.5) ln(1e-4 / 0.5) + (1 − 0.5) ln(1 / 0.5) = 4.604; KS D = 1 (all above the maximum).
        await File.WriteAllTextAsync(factory.MonitoringReference, "{\"scores\": [0.5, 0.6], \"modelVersion\": \"test\"}");
        using var admin = await factory.ClientAsAsync(Roles.Admin);
        string site = "mon-" + Guid.NewGuid().ToString("N")[..10];
        await (await admin.PostAsJsonAsync("/api/sites", new { name = site, rules = Array.Empty<string>() })).JsonAsync(HttpStatusCode.Created);
        var form = Upload(TestRadiographs.Phantom(TestRadiographs.NewSeed()), "monitored.dcm");
        form.Add(new StringContent(site), "site");
        await (await admin.PostAsync("/api/screenings", form)).JsonAsync(HttpStatusCode.Created);

        using var auditor = await factory.ClientAsAsync(Roles.Auditor);
        var report = await (await auditor.GetAsync($"/api/monitoring?site={site}&period=day")).JsonAsync(HttpStatusCode.OK);
        var period = Assert.Single(Assert.Single(report.GetProperty("sites").EnumerateArray()).GetProperty("periods").EnumerateArray());
        Assert.Equal((1, 1.0, 0.0, 0.0), (period.GetProperty("n").GetInt32(), period.GetProperty("positiveRate").GetDouble(),
            period.GetProperty("unfamiliarRate").GetDouble(), period.GetProperty("invertedRate").GetDouble()));
        double psi = 0.5 * Math.Log(2) + (1e-4 - 0.5) * Math.Log(1e-4 / 0.5);
        Assert.Equal(psi, period.GetProperty("psi").GetDouble(), 10);
        Assert.Equal(1.0, period.GetProperty("ks").GetDouble());
        Assert.Equal(["PSI 4.604 > 0.25", "KS 1.000 > 0.2"], period.GetProperty("alerts").EnumerateArray().Select(a => a.GetString()));
        Assert.Equal("TbScreen Phantom", Assert.Single(period.GetProperty("inputs").GetProperty("manufacturers").EnumerateObject()).Name);

        var page = await auditor.GetAsync($"/monitoring?site={site}&period=day");
        string html = await page.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains($"data-site=\"{site}\"", html);
        Assert.Contains("PSI 4.604 &gt; 0.25, KS 1.000 &gt; 0.2", html);
        Assert.Contains("<td>4.604</td><td>1.000</td>", html);
        Assert.Contains("<th>Unfamiliar</th><th>Inverted</th>", html);
    }

    [Fact]
    public async Task Admins_and_auditors_see_the_page_and_others_are_refused()
    {
        foreach (string role in new[] { Roles.Admin, Roles.Auditor })
        {
            using var allowed = await factory.ClientAsAsync(role);
            var page = await allowed.GetAsync("/monitoring");
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
            Assert.Contains("<h1>Monitoring</h1>", await page.Content.ReadAsStringAsync());
            await (await allowed.GetAsync("/api/monitoring")).JsonAsync(HttpStatusCode.OK);
            await (await allowed.GetAsync("/api/monitoring?period=month")).ProblemAsync(HttpStatusCode.BadRequest);
        }

        foreach (string role in new[] { Roles.Clinician, Roles.Radiologist })
        {
            using var refused = await factory.ClientAsAsync(role);
            await (await refused.GetAsync("/api/monitoring")).ProblemAsync(HttpStatusCode.Forbidden);
            var page = await refused.GetAsync("/monitoring");
            Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
            Assert.StartsWith("http://localhost/access-denied", page.Headers.Location?.ToString());
        }
    }
}

using System.Net;
using System.Net.Http.Json;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using TbScreen.Screening.Persistence;
using TbScreen.Web.Identity;
using TbScreen.Web.Tests.Infrastructure;
using static TbScreen.Web.Tests.Infrastructure.HttpAssertions;

namespace TbScreen.Web.Tests;

/// <summary>The Sites page and /api/sites: admin only, versioned profiles, approval, audit, and the upload's chosen site.</summary>
[Collection(ApiCollection.Name)]
public sealed class SiteTests(TbScreenApiFactory factory)
{
    // Positives 0.9, 0.8, 0.6, 0.4; negatives 0.7, 0.3, 0.2, 0.1: for sensitivity 0.75 the threshold is 0.6,
    // where 3 of 4 negatives fall below it (specificity 0.75). 4 + 4 cases: the under-30 warning.
    private const string Sample = "score,label\n0.9,1\n0.8,1\n0.6,1\n0.4,1\n0.7,0\n0.3,0\n0.2,0\n0.1,0\n";

    // Every phantom's ensemble score is far above 0.001 (the samples: 0.667-0.730), so a profile at 0.001 calls it tb.
    private const string LowThresholdSample = "score,label\n0.001,1\n0.9,1\n0.0001,0\n0.0005,0\n";

    // ... and far below 0.999, where the shipped threshold (0.2898) calls it tb: a profile at 0.999 calls it not-tb.
    private const string HighThresholdSample = "score,label\n0.999,1\n0.9999,1\n0.5,0\n0.9,0\n";

    [Fact]
    public async Task An_admin_creates_calibrates_from_a_csv_and_approves_and_every_step_is_audited()
    {
        string admin = await factory.CreateUserAsync(Roles.Admin);
        using var client = await factory.SignedInClientAsync(admin, TbScreenApiFactory.UserPassword);
        string site = NewSite();
        string station = "XR-" + Guid.NewGuid().ToString("N")[..8];

        var created = await (await client.PostAsJsonAsync("/api/sites", new { name = site, rules = new[] { $"station: {station}" } })).JsonAsync(HttpStatusCode.Created);
        Assert.Equal($"station: {station}", created.GetProperty("rules")[0].GetString());
        Assert.Equal(JsonNull, created.GetProperty("activeVersion").ValueKind);

        var profile = await (await client.PostAsync($"/api/sites/{site}/calibrations/upload", Csv(Sample, "north.csv", "0.75"))).JsonAsync(HttpStatusCode.Created);
        Assert.Equal((1, "proposed", 0.6, 0.75, 0.75, 4, 4), (profile.GetProperty("version").GetInt32(), profile.GetProperty("state").GetString(),
            profile.GetProperty("threshold").GetDouble(), profile.GetProperty("sensitivity").GetDouble(), profile.GetProperty("specificity").GetDouble(),
            profile.GetProperty("positives").GetInt32(), profile.GetProperty("negatives").GetInt32()));
        Assert.StartsWith("small sample (4 positives, 4 negatives", profile.GetProperty("warnings")[0].GetString());

        var roc = await client.GetAsync($"/api/sites/{site}/profiles/1/roc.svg");
        Assert.Equal(HttpStatusCode.OK, roc.StatusCode);
        Assert.Equal("image/svg+xml", roc.Content.Headers.ContentType?.MediaType);
        Assert.Equal("sandbox", roc.Headers.GetValues("Content-Security-Policy").Single());
        Assert.Contains("threshold 0.6", await roc.Content.ReadAsStringAsync());

        var approved = await (await client.PostAsync($"/api/sites/{site}/profiles/1/approve", null)).JsonAsync(HttpStatusCode.OK);
        Assert.Equal(("active", admin), (approved.GetProperty("state").GetString(), approved.GetProperty("approvedBy").GetString()));
        Assert.Equal(1, (await (await client.GetAsync($"/api/sites/{site}")).JsonAsync(HttpStatusCode.OK)).GetProperty("activeVersion").GetInt32());

        var trail = await factory.Services.GetRequiredService<IScreeningStore>().AuditTrailAsync(5000);
        var mine = trail.Where(e => e.Target is { } t && (t == site || t.StartsWith(site + " v", StringComparison.Ordinal))).Reverse().ToList();
        Assert.Equal([("site.create", site), ("site.calibrate", $"{site} v1"), ("site.approve", $"{site} v1")], mine.Select(e => (e.Action, e.Target!)));
        Assert.All(mine, e => Assert.Equal(admin, e.Actor));
    }

    [Fact]
    public async Task A_proposed_profile_decides_nothing_and_an_approved_one_decides_the_uploads_that_choose_its_site()
    {
        using var admin = await factory.ClientAsAsync(Roles.Admin);
        using var clinician = await factory.ClientAsAsync(Roles.Clinician);
        string site = NewSite();
        await (await admin.PostAsJsonAsync("/api/sites", new { name = site, rules = Array.Empty<string>() })).JsonAsync(HttpStatusCode.Created);
        await (await admin.PostAsync($"/api/sites/{site}/calibrations/upload", Csv(HighThresholdSample, "high.csv", "1"))).JsonAsync(HttpStatusCode.Created);

        var before = await (await clinician.PostAsync("/api/screenings", WithSite(TestRadiographs.Phantom(TestRadiographs.NewSeed()), site))).JsonAsync(HttpStatusCode.Created);
        var decidedBefore = before.GetProperty("decidedBy");
        double shipped = TbScreen.Inference.Ensembles.EnsembleDefinition.Load(factory.Models).Threshold;
        Assert.Equal((site, JsonNull, shipped), (decidedBefore.GetProperty("site").GetString(), decidedBefore.GetProperty("version").ValueKind, decidedBefore.GetProperty("threshold").GetDouble()));
        Assert.Equal("tb", before.GetProperty("decision").GetString());

        await (await admin.PostAsync($"/api/sites/{site}/profiles/1/approve", null)).JsonAsync(HttpStatusCode.OK);
        var after = await (await clinician.PostAsync("/api/screenings", WithSite(TestRadiographs.Phantom(TestRadiographs.NewSeed()), site))).JsonAsync(HttpStatusCode.Created);
        var decidedAfter = after.GetProperty("decidedBy");
        Assert.Equal((site, 1, 0.999, $"{site} v1"), (decidedAfter.GetProperty("site").GetString(), decidedAfter.GetProperty("version").GetInt32(),
            decidedAfter.GetProperty("threshold").GetDouble(), decidedAfter.GetProperty("label").GetString()));
        Assert.Equal("not-tb", after.GetProperty("decision").GetString());
        var page = await clinician.GetAsync($"/results/{after.GetProperty("id").GetString()}");
        string html = await page.Content.ReadAsStringAsync();
        Assert.Contains("Decided by", html);
        Assert.Contains($"{site} v1, matched by chosen for the upload or job", html);

        var unknown = await clinician.PostAsync("/api/screenings", WithSite(TestRadiographs.Phantom(TestRadiographs.NewSeed()), "no-such-site"));
        Assert.Equal("site 'no-such-site' does not exist", (await unknown.ProblemAsync(HttpStatusCode.BadRequest)).GetProperty("detail").GetString());
    }

    [Fact]
    public async Task An_upload_job_for_a_site_decides_every_file_with_its_profile()
    {
        using var admin = await factory.ClientAsAsync(Roles.Admin);
        string site = NewSite();
        await (await admin.PostAsJsonAsync("/api/sites", new { name = site, rules = Array.Empty<string>() })).JsonAsync(HttpStatusCode.Created);
        await (await admin.PostAsync($"/api/sites/{site}/calibrations/upload", Csv(LowThresholdSample, "low.csv", "1"))).JsonAsync(HttpStatusCode.Created);
        await (await admin.PostAsync($"/api/sites/{site}/profiles/1/approve", null)).JsonAsync(HttpStatusCode.OK);

        using var clinician = await factory.ClientAsAsync(Roles.Clinician);
        using var form = new MultipartFormDataContent
        {
            { new ByteArrayContent(TestRadiographs.Phantom(TestRadiographs.NewSeed())), "files", "one.dcm" },
            { new ByteArrayContent(TestRadiographs.Phantom(TestRadiographs.NewSeed())), "files", "two.dcm" },
            { new StringContent(site), "site" },
        };
        string id = (await (await clinician.PostAsync("/api/jobs/uploads", form)).JsonAsync(HttpStatusCode.Accepted)).GetProperty("id").ToString();
        Assert.Equal("completed", (await JobEndpointTests.PollUntilFinishedAsync(clinician, id, TimeSpan.FromSeconds(60))).GetProperty("state").GetString());

        var rows = await (await clinician.GetAsync($"/api/jobs/{id}/results")).JsonAsync(HttpStatusCode.OK);
        Assert.Equal(2, rows.GetArrayLength());
        foreach (var row in rows.EnumerateArray())
        {
            var result = await (await clinician.GetAsync($"/api/screenings/{row.GetProperty("resultId").GetInt64()}")).JsonAsync(HttpStatusCode.OK);
            Assert.Equal(($"{site} v1", 0.001, "tb"), (result.GetProperty("decidedBy").GetProperty("label").GetString(),
                result.GetProperty("decidedBy").GetProperty("threshold").GetDouble(), result.GetProperty("decision").GetString()));
        }

        using var unknown = new MultipartFormDataContent
        {
            { new ByteArrayContent(TestRadiographs.Phantom(TestRadiographs.NewSeed())), "files", "three.dcm" },
            { new StringContent("no-such-site"), "site" },
        };
        Assert.Equal("site 'no-such-site' does not exist", (await (await clinician.PostAsync("/api/jobs/uploads", unknown)).ProblemAsync(HttpStatusCode.BadRequest)).GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Bad_rules_conflicts_and_bad_samples_are_refused_with_the_reason()
    {
        using var admin = await factory.ClientAsAsync(Roles.Admin);
        string site = NewSite();
        string station = "XR-" + Guid.NewGuid().ToString("N")[..8];
        var bad = await (await admin.PostAsJsonAsync("/api/sites", new { name = site, rules = new[] { "room: 4" } })).ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal("site rule 'room: 4': unknown kind 'room' (institution, station or ae-title)", bad.GetProperty("detail").GetString());
        await (await admin.PostAsJsonAsync("/api/sites", new { name = site, rules = new[] { $"station: {station}" } })).JsonAsync(HttpStatusCode.Created);
        var taken = await (await admin.PostAsJsonAsync("/api/sites", new { name = NewSite(), rules = new[] { $"station: {station}" } })).ProblemAsync(HttpStatusCode.Conflict);
        Assert.Equal($"rule 'station: {station}' already belongs to site '{site}'", taken.GetProperty("detail").GetString());

        var badCsv = await (await admin.PostAsync($"/api/sites/{site}/calibrations/upload", Csv("score,label\n0.5,maybe\n", "bad.csv", null))).ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal("bad.csv row 2: label 'maybe' must be 1 or 0 (or tb / not-tb)", badCsv.GetProperty("detail").GetString());
        var empty = await (await admin.PostAsJsonAsync($"/api/sites/{site}/calibrations/worklist", new { targetSensitivity = 0.9 })).ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal($"site '{site}' has no screened cases with a radiologist's final label tb or not-tb yet", empty.GetProperty("detail").GetString());
        await (await admin.PostAsync($"/api/sites/{site}/profiles/7/approve", null)).ProblemAsync(HttpStatusCode.NotFound);
        await (await admin.GetAsync("/api/sites/no-such-site")).ProblemAsync(HttpStatusCode.NotFound);
    }

    [Theory]
    [InlineData(Roles.Clinician)]
    [InlineData(Roles.Radiologist)]
    [InlineData(Roles.Auditor)]
    public async Task Only_admins_reach_the_sites_page_and_api(string role)
    {
        using var client = await factory.ClientAsAsync(role);
        await (await client.GetAsync("/api/sites")).ProblemAsync(HttpStatusCode.Forbidden);
        await (await client.PostAsJsonAsync("/api/sites", new { name = NewSite(), rules = Array.Empty<string>() })).ProblemAsync(HttpStatusCode.Forbidden);
        await (await client.PostAsync("/api/sites/x/profiles/1/approve", null)).ProblemAsync(HttpStatusCode.Forbidden);
        var page = await client.GetAsync("/admin/sites");
        Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
        Assert.StartsWith("http://localhost/access-denied", page.Headers.Location?.ToString());
    }

    [Fact]
    public async Task The_sites_page_renders_for_an_admin()
    {
        using var admin = await factory.ClientAsAsync(Roles.Admin);
        string site = NewSite();
        await (await admin.PostAsJsonAsync("/api/sites", new { name = site, rules = new[] { $"ae-title: AE{Guid.NewGuid().ToString("N")[..8]}" } })).JsonAsync(HttpStatusCode.Created);
        var page = await admin.GetAsync("/admin/sites");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        string html = await page.Content.ReadAsStringAsync();
        Assert.Contains("<h1>Sites</h1>", html);
        Assert.Contains($"data-site=\"{site}\"", html);
        Assert.Contains("none (shipped threshold)", html);
    }

    private static readonly System.Text.Json.JsonValueKind JsonNull = System.Text.Json.JsonValueKind.Null;

    private static string NewSite() => "site-" + Guid.NewGuid().ToString("N")[..10];

    private static MultipartFormDataContent Csv(string csv, string fileName, string? target)
    {
        var form = new MultipartFormDataContent { { new ByteArrayContent(Encoding.UTF8.GetBytes(csv)), "file", fileName } };
        if (target is not null)
        {
            form.Add(new StringContent(target), "targetSensitivity");
        }

        return form;
    }

    private static MultipartFormDataContent WithSite(byte[] dicom, string site)
    {
        var form = Upload(dicom, "sited.dcm");
        form.Add(new StringContent(site), "site");
        return form;
    }
}

using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using TbScreen.Screening.Persistence;
using TbScreen.Web.Identity;
using TbScreen.Web.Tests.Infrastructure;

namespace TbScreen.Web.Tests;

/// <summary>
/// HTTP Basic on the DICOMweb endpoints, for PACS and archives that cannot keep a cookie: a service account with a
/// screen role stores, searches and retrieves; a wrong password is 401 with a Basic challenge and is audited; repeated
/// failures lock the account as the sign-in page would; a role without screening is 403; the rest of the API does not
/// take Basic at all.
/// </summary>
public sealed class DicomWebBasicAuthTests
{
    [Fact]
    public async Task A_service_account_stores_searches_and_retrieves_with_basic_credentials()
    {
        using var host = new TbScreenApiFactory();
        string account = await host.CreateUserAsync(Roles.Clinician);
        using var pacs = Basic(host, account, TbScreenApiFactory.UserPassword);
        byte[] image = TestRadiographs.Phantom(TestRadiographs.NewSeed());
        string study = new TbScreen.Dicom.DicomReader().Parse(image, "x.dcm").Dataset.GetString(TbScreen.Dicom.DicomTag.StudyInstanceUid)!;

        Assert.Equal(HttpStatusCode.OK, (await pacs.PostAsync("/dicomweb/studies", StowTests.Multipart(image))).StatusCode);
        await StowTests.WaitForResultObjectsAsync(host, 2);

        Assert.Equal(HttpStatusCode.OK, (await pacs.GetAsync($"/dicomweb/studies?StudyInstanceUID={study}")).StatusCode);
        var retrieved = await pacs.GetAsync($"/dicomweb/studies/{study}");
        Assert.Equal(HttpStatusCode.OK, retrieved.StatusCode);
        var reader = new Microsoft.AspNetCore.WebUtilities.MultipartReader(
            retrieved.Content.Headers.ContentType!.Parameters.Single(p => p.Name == "boundary").Value!, await retrieved.Content.ReadAsStreamAsync());
        var modalities = new List<string>();
        while (await reader.ReadNextSectionAsync() is { } part)
        {
            using var bytes = new MemoryStream();
            await part.Body.CopyToAsync(bytes);
            modalities.Add(new TbScreen.Dicom.DicomReader().Parse(bytes.ToArray(), "part.dcm").Dataset.GetString(TbScreen.Dicom.DicomTag.Modality)!);
        }

        Assert.Equal(["OT", "SR"], modalities.Order(StringComparer.Ordinal));
        var trail = await host.Services.GetRequiredService<IScreeningStore>().AuditTrailAsync(50);
        Assert.Contains(trail, e => e.Action == "dicomweb.wado" && e.Actor == account);
        Assert.Equal(HttpStatusCode.NotFound, (await pacs.GetAsync("/dicomweb/studies/1.2.3.4")).StatusCode);

        // Basic opens DICOMweb only: the rest of the API still wants the signed-in cookie.
        Assert.Equal(HttpStatusCode.Unauthorized, (await pacs.GetAsync("/api/worklist")).StatusCode);
    }

    [Fact]
    public async Task Wrong_passwords_are_challenged_audited_and_lock_the_account_and_other_roles_are_forbidden()
    {
        using var host = new TbScreenApiFactory();
        string account = await host.CreateUserAsync(Roles.Clinician);
        string auditor = await host.CreateUserAsync(Roles.Auditor);

        var wrong = await Basic(host, account, "not-the-password").GetAsync("/dicomweb/studies");
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        Assert.Equal("Basic", wrong.Headers.WwwAuthenticate.Single().Scheme);
        Assert.Equal(HttpStatusCode.Unauthorized, (await Basic(host, "nobody", "x").GetAsync("/dicomweb/studies")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await Basic(host, auditor, TbScreenApiFactory.UserPassword).GetAsync("/dicomweb/studies")).StatusCode);

        for (int attempt = 0; attempt < 10; attempt++)
        {
            await Basic(host, account, "still-wrong").GetAsync("/dicomweb/studies");
        }

        // Locked now: even the right password is refused, as on the sign-in page.
        Assert.Equal(HttpStatusCode.Unauthorized, (await Basic(host, account, TbScreenApiFactory.UserPassword).GetAsync("/dicomweb/studies")).StatusCode);
        var trail = await host.Services.GetRequiredService<IScreeningStore>().AuditTrailAsync(100);
        Assert.Contains(trail, e => e.Action == "auth.signin.failed" && e.Target == $"user/{account}" && e.Detail == "HTTP Basic, DICOMweb");
        Assert.Contains(trail, e => e.Action == "auth.signin.lockedout" && e.Target == $"user/{account}");
        Assert.Contains(trail, e => e.Action == "auth.signin.failed" && e.Target == "user/nobody");
    }

    [Fact]
    public async Task An_account_whose_password_must_change_is_refused_until_it_is_changed()
    {
        using var host = new TbScreenApiFactory();
        string account = await host.CreateUserAsync(Roles.Clinician);
        using (var scope = host.Services.CreateScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<Microsoft.AspNetCore.Identity.UserManager<TbScreenUser>>();
            var user = (await users.FindByNameAsync(account))!;
            await users.AddClaimAsync(user, new System.Security.Claims.Claim(AccountPasswords.MustChangeClaim, "true"));
        }

        Assert.Equal(HttpStatusCode.Unauthorized, (await Basic(host, account, TbScreenApiFactory.UserPassword).GetAsync("/dicomweb/studies")).StatusCode);
    }

    /// <summary>Failures per address are limited as sign-ins are: past the limit nothing is checked, not even a right password.</summary>
    [Fact]
    public async Task Failed_attempts_from_one_address_are_limited_as_sign_ins_are()
    {
        using var host = new TbScreenApiFactory(Path.Combine(Path.GetTempPath(), "tbscreen-web-tests", Guid.NewGuid().ToString("N")),
            settings: new Dictionary<string, string?> { ["TbScreen:Security:RateLimits:SignInsPerMinute"] = "3" });
        string account = await host.CreateUserAsync(Roles.Clinician);
        Assert.Equal(HttpStatusCode.NoContent, (await Basic(host, account, TbScreenApiFactory.UserPassword).GetAsync("/dicomweb/studies")).StatusCode);

        foreach (string stranger in new[] { "spray-1", "spray-2", "spray-3" })
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await Basic(host, stranger, "guess").GetAsync("/dicomweb/studies")).StatusCode);
        }

        Assert.Equal(HttpStatusCode.Unauthorized, (await Basic(host, account, TbScreenApiFactory.UserPassword).GetAsync("/dicomweb/studies")).StatusCode);
        var trail = await host.Services.GetRequiredService<IScreeningStore>().AuditTrailAsync(100);
        Assert.Equal(3, trail.Count(e => e.Action == "auth.signin.failed"));
    }

    private static HttpClient Basic(TbScreenApiFactory host, string user, string password)
    {
        var client = host.AnonymousClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}")));
        return client;
    }
}

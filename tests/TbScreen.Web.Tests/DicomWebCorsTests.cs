using System.Net;
using System.Net.Http.Headers;
using System.Text;
using TbScreen.Web.Identity;
using TbScreen.Web.Tests.Infrastructure;

namespace TbScreen.Web.Tests;

/// <summary>
/// CORS on DICOMweb for a viewer served from another origin (TbScreen:Security:DicomWebOrigins): its preflight is
/// answered and its calls with an Authorization header get the headers a browser needs; other origins, the REST API
/// and a host with no origins configured send no CORS header at all.
/// </summary>
public sealed class DicomWebCorsTests
{
    private const string Viewer = "https://viewer.example.org";

    [Fact]
    public async Task A_configured_viewer_origin_may_call_DICOMweb_from_the_browser_and_nothing_else_may()
    {
        string root = Path.Combine(Path.GetTempPath(), "tbscreen-web-tests", Guid.NewGuid().ToString("N"));
        using var host = new TbScreenApiFactory(root, settings: new Dictionary<string, string?> { ["TbScreen:Security:DicomWebOrigins:0"] = Viewer + "/" });
        string account = await host.CreateUserAsync(Roles.Clinician);
        using var browser = host.AnonymousClient();

        var preflight = await browser.SendAsync(Preflight("/dicomweb/studies", Viewer));
        Assert.Equal(HttpStatusCode.NoContent, preflight.StatusCode);
        Assert.Equal(Viewer, Single(preflight, "Access-Control-Allow-Origin"));
        Assert.Contains("authorization", Single(preflight, "Access-Control-Allow-Headers"), StringComparison.OrdinalIgnoreCase);

        using var search = new HttpRequestMessage(HttpMethod.Get, "/dicomweb/studies?PatientSex=F");
        search.Headers.Add("Origin", Viewer);
        search.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{account}:{TbScreenApiFactory.UserPassword}")));
        var answer = await browser.SendAsync(search);
        Assert.Equal(HttpStatusCode.NoContent, answer.StatusCode);
        Assert.Equal(Viewer, Single(answer, "Access-Control-Allow-Origin"));
        Assert.Contains("Warning", Single(answer, "Access-Control-Expose-Headers"), StringComparison.Ordinal); // QIDO's 299 is readable

        Assert.False((await browser.SendAsync(Preflight("/dicomweb/studies", "https://other.example.org"))).Headers.Contains("Access-Control-Allow-Origin"));
        Assert.False((await browser.SendAsync(Preflight("/api/jobs", Viewer))).Headers.Contains("Access-Control-Allow-Origin"));
    }

    [Fact]
    public async Task Without_configured_origins_no_CORS_header_is_sent()
    {
        using var host = new TbScreenApiFactory();
        using var browser = host.AnonymousClient();

        var preflight = await browser.SendAsync(Preflight("/dicomweb/studies", Viewer));

        Assert.False(preflight.Headers.Contains("Access-Control-Allow-Origin"));
    }

    private static HttpRequestMessage Preflight(string path, string origin)
    {
        var request = new HttpRequestMessage(HttpMethod.Options, path);
        request.Headers.Add("Origin", origin);
        request.Headers.Add("Access-Control-Request-Method", "GET");
        request.Headers.Add("Access-Control-Request-Headers", "authorization");
        return request;
    }

    private static string Single(HttpResponseMessage response, string header) =>
        response.Headers.TryGetValues(header, out var values) ? Assert.Single(values) : throw new Xunit.Sdk.XunitException($"no {header} header (status {(int)response.StatusCode})");
}

using System.Net;
using System.Net.Sockets;
using System.Text;
using TbScreen.Web.E2ETests.Infrastructure;

namespace TbScreen.Web.E2ETests;

/// <summary>
/// A web viewer served from another origin, in a real browser: Chromium runs its page's fetch calls with an
/// Authorization header, so CORS preflights decide. The configured origin reads QIDO-RS (and its Warning header);
/// the same page is blocked from the rest of the API.
/// </summary>
[Collection(DashboardCollection.Name)]
public sealed class ViewerOriginTests
{
    [SkippableFact]
    public async Task A_viewer_on_another_origin_reads_DICOMweb_from_the_browser_and_nothing_else()
    {
        ChromiumBrowser.Require();
        using var viewer = new OnePageServer("<!doctype html><title>viewer</title><p>viewer</p>");
        await using var app = await WebAppProcess.StartAsync(settings: new Dictionary<string, string> { ["TbScreen__Security__DicomWebOrigins__0"] = viewer.Origin });
        var (playwright, browser) = await ChromiumBrowser.LaunchAsync();
        try
        {
            var page = await browser.NewPageAsync();
            await page.GotoAsync(viewer.Origin + "/");
            string basic = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{WebAppProcess.AdminUser}:{WebAppProcess.AdminPassword}"));

            string[] seen = await page.EvaluateAsync<string[]>(
                """
                async ([base, auth]) => {
                  const qido = await fetch(base + 'dicomweb/studies?PatientSex=F', { headers: { Authorization: auth, Accept: 'application/dicom+json' } });
                  let api;
                  try { await fetch(base + 'api/jobs', { headers: { Authorization: auth } }); api = 'read'; } catch { api = 'blocked'; }
                  return [String(qido.status), qido.headers.get('Warning') ?? '', api];
                }
                """, new object[] { app.BaseUrl.ToString(), basic });

            Assert.Equal("204", seen[0]); // no study matches: answered, not blocked
            Assert.Contains("PatientSex", seen[1], StringComparison.Ordinal); // the exposed 299 warning is readable
            Assert.Equal("blocked", seen[2]);
        }
        finally
        {
            await browser.DisposeAsync();
            playwright.Dispose();
        }
    }

    /// <summary>A loopback HTTP server with one page: the viewer's own origin.</summary>
    private sealed class OnePageServer : IDisposable
    {
        private readonly HttpListener _listener = new();
        private readonly Task _serving;

        public OnePageServer(string html)
        {
            var probe = new TcpListener(IPAddress.Loopback, 0);
            probe.Start();
            int port = ((IPEndPoint)probe.LocalEndpoint).Port;
            probe.Stop();
            Origin = $"http://127.0.0.1:{port}";
            _listener.Prefixes.Add(Origin + "/");
            _listener.Start();
            byte[] body = Encoding.UTF8.GetBytes(html);
            _serving = Task.Run(async () =>
            {
                while (_listener.IsListening)
                {
                    HttpListenerContext context;
                    try
                    {
                        context = await _listener.GetContextAsync();
                    }
                    catch (Exception e) when (e is HttpListenerException or ObjectDisposedException)
                    {
                        return;
                    }

                    context.Response.ContentType = "text/html; charset=utf-8";
                    await context.Response.OutputStream.WriteAsync(body);
                    context.Response.Close();
                }
            });
        }

        public string Origin { get; }

        public void Dispose()
        {
            _listener.Stop();
            _listener.Close();
            _serving.Wait(TimeSpan.FromSeconds(5));
        }
    }
}

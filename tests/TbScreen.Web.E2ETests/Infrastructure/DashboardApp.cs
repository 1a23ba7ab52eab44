using Microsoft.Playwright;

namespace TbScreen.Web.E2ETests.Infrastructure;

/// <summary>
/// One web app process and one browser for all browser tests (starting either takes seconds). Started on first
/// use, after the chromium check, so a missing browser fails (or skips) each test with the install hint.
/// </summary>
public sealed class DashboardApp : IAsyncLifetime
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private WebAppProcess? _app;
    private IPlaywright? _playwright;
    private IBrowser? _browser;

    static DashboardApp()
    {
        // CI machines are slower than a workstation and run other test assemblies beside this one.
        Assertions.SetDefaultExpectTimeout(15_000);
    }

    public async Task<(WebAppProcess App, IBrowser Browser)> StartAsync()
    {
        var browser = await BrowserAsync();
        await _gate.WaitAsync();
        try
        {
            _app ??= await WebAppProcess.StartAsync();
            return (_app, browser);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>The shared browser alone, for a test that starts its own app instance.</summary>
    public async Task<IBrowser> BrowserAsync()
    {
        ChromiumBrowser.Require();
        await _gate.WaitAsync();
        try
        {
            if (_browser is null)
            {
                (_playwright, _browser) = await ChromiumBrowser.LaunchAsync();
            }

            return _browser;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>A fresh browser context (its own cookies) whose relative URLs resolve against the app.</summary>
    public async Task<IPage> NewPageAsync()
    {
        var (app, _) = await StartAsync();
        return await NewPageAsync(app);
    }

    /// <summary>A fresh browser context on the given app instance (the shared one, or a test's own).</summary>
    public async Task<IPage> NewPageAsync(WebAppProcess app)
    {
        var browser = await BrowserAsync();
        var context = await browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = app.BaseUrl.ToString(),
            ViewportSize = new ViewportSize { Width = 1366, Height = 900 },
        });
        context.SetDefaultTimeout(30_000);
        return await context.NewPageAsync();
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.DisposeAsync();
        }

        _playwright?.Dispose();
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }

        _gate.Dispose();
    }
}

[CollectionDefinition(Name)]
public sealed class DashboardCollection : ICollectionFixture<DashboardApp>
{
    public const string Name = "dashboard";
}

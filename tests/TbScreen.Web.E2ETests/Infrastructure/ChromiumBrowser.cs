using Microsoft.Playwright;

namespace TbScreen.Web.E2ETests.Infrastructure;

/// <summary>
/// Debian's chromium (apt-get install chromium) driven by Playwright: no browser download. Missing chromium is a
/// test failure with instructions, unless TBSCREEN_E2E_ALLOW_SKIP=1 says this machine may skip the browser tests.
/// </summary>
internal static class ChromiumBrowser
{
    public const string ExecutableVariable = "TBSCREEN_CHROMIUM";
    public const string AllowSkipVariable = "TBSCREEN_E2E_ALLOW_SKIP";

    public static string ExecutablePath => Environment.GetEnvironmentVariable(ExecutableVariable) is { Length: > 0 } path ? path : "/usr/bin/chromium";

    /// <summary>Fails (or skips, where allowed) before any test work when the browser is absent.</summary>
    public static void Require()
    {
        if (File.Exists(ExecutablePath))
        {
            return;
        }

        string message = $"Chromium not found at {ExecutablePath}: install it with `apt-get install -y chromium` (.ci/run does), " +
                         $"or point {ExecutableVariable} at a Chromium binary.";
        Skip.If(Environment.GetEnvironmentVariable(AllowSkipVariable) == "1", message + $" Skipped because {AllowSkipVariable}=1.");
        throw new InvalidOperationException(message + $" (Set {AllowSkipVariable}=1 to skip the browser tests on a machine without it; CI must not.)");
    }

    public static async Task<(IPlaywright Playwright, IBrowser Browser)> LaunchAsync()
    {
        var playwright = await Playwright.CreateAsync();
        try
        {
            var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
            {
                ExecutablePath = ExecutablePath,
                Headless = true,
                // Containers run as root without a user namespace sandbox; /dev/shm is often tiny there.
                Args = ["--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu"],
            });
            return (playwright, browser);
        }
        catch
        {
            playwright.Dispose();
            throw;
        }
    }
}

using System.Collections.Concurrent;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace TbScreen.Web.E2ETests.Infrastructure;

/// <summary>What a user does on the dashboard, as the tests and the screenshot walk share it.</summary>
internal static class DashboardSteps
{
    /// <summary>Where Chromium reports the 404 of its own favicon request: "http://host:port/favicon.ico:0:0".</summary>
    private static readonly Regex BrowsersFavicon = new(@"^https?://[^/]+/favicon\.ico(:\d+:\d+)?$");

    /// <summary>
    /// Signs in through the form. On a loaded CI machine the first sign-in (password hashing, the first render of the
    /// landing page) can take longer than Playwright's 30 s default; a try that times out is repeated from the form,
    /// and only three timed-out tries fail the test.
    /// </summary>
    public static async Task SignInAsync(IPage page, string user, string password)
    {
        const int attempts = 3;
        for (int attempt = 1; ; attempt++)
        {
            try
            {
                await SubmitSignInAsync(page, user, password);
                await page.WaitForURLAsync(url => !url.Contains("/signin", StringComparison.Ordinal), new() { Timeout = 60_000 });
                return;
            }
            catch (TimeoutException) when (attempt < attempts)
            {
                // Try again from a fresh form; a sign-in that succeeded meanwhile just lands on the home page again.
            }
        }
    }

    /// <summary>Opens the sign-in page and submits the form, without waiting for the outcome.</summary>
    public static async Task SubmitSignInAsync(IPage page, string user, string password)
    {
        await page.GotoAsync("signin", new() { Timeout = 60_000 });
        await page.Locator("#username").FillAsync(user);
        await page.Locator("#password").FillAsync(password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
    }

    /// <summary>
    /// A sign-in that the app refuses: submits the form and returns the refusal the page shows (its alert). A fresh
    /// sign-in page has no alert, so the one awaited is the answer to this post.
    /// </summary>
    public static async Task<string> RefusedSignInAsync(IPage page, string user, string password)
    {
        await SubmitSignInAsync(page, user, password);
        var alert = page.GetByRole(AriaRole.Alert);
        await Expect(alert).ToBeVisibleAsync(new() { Timeout = 30_000 });
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/signin(\\?|$)"));
        return (await alert.InnerTextAsync()).Trim();
    }

    /// <summary>Opens an interactive page and waits until its circuit is up (SignalR negotiated, socket open).</summary>
    public static async Task GotoInteractiveAsync(IPage page, string path)
    {
        await page.GotoAsync(path);
        await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
    }

    /// <summary>Uploads files through the drop zone's file input and returns the result links it shows.</summary>
    public static async Task<ILocator> UploadAsync(IPage page, params string[] files)
    {
        await GotoInteractiveAsync(page, "upload");
        var input = page.GetByTestId("upload-input");
        // Blazor's InputFile listens for changes only once its JS has initialised the element (interactive render).
        await input.EvaluateAsync("el => new Promise(resolve => { const check = () => el._blazorInputFileNextFileId !== undefined ? resolve() : setTimeout(check, 50); check(); })");
        await input.SetInputFilesAsync(files);
        var links = page.GetByTestId("result-link");
        await Expect(links).ToHaveCountAsync(files.Length, new() { Timeout = 90_000 });
        return links;
    }

    /// <summary>
    /// Repeats an idempotent interaction until its effect shows: a click that lands before the circuit is up is lost
    /// (the prerendered page has no handlers yet), and the first interactive render resets the element. Each try
    /// waits up to 3 s for the effect; an act must tolerate its effect having happened meanwhile.
    /// </summary>
    public static async Task UntilAsync(Func<Task> act, Func<Task<bool>> done, string what, int attempts = 10)
    {
        for (int i = 0; i < attempts; i++)
        {
            if (await done())
            {
                return;
            }

            await act();
            for (int poll = 0; poll < 30; poll++)
            {
                if (await done())
                {
                    return;
                }

                await Task.Delay(100);
            }
        }

        throw new TimeoutException($"{what}: no effect after {attempts} attempts");
    }

    /// <summary>
    /// Clicks when the element is still there and enabled (a repeated click after the effect, or while a submit is in
    /// flight and its button disabled, must not wait for it).
    /// </summary>
    public static async Task ClickIfVisibleAsync(ILocator locator)
    {
        if (await locator.IsVisibleAsync() && await locator.IsEnabledAsync())
        {
            await locator.ClickAsync(new() { Timeout = 5_000 });
        }
    }

    public static Task<bool> IsImageLoadedAsync(ILocator image) =>
        image.EvaluateAsync<bool>("img => img.complete && img.naturalWidth > 0");

    public static string Sample(string name) => Path.Combine(RepositoryPaths.Samples, name);

    /// <summary>
    /// Starts a job over a fresh copy of the samples (a folder job: the page must be an admin's), opens its page and
    /// waits until it has finished.
    /// </summary>
    public static async Task OpenFinishedFolderJobAsync(IPage page, WebAppProcess app)
    {
        var job = await page.APIRequest.PostAsync("api/jobs", new() { DataObject = new { folder = app.CreateArchive(), recursive = false } });
        if (job.Status is not (201 or 202))
        {
            throw new InvalidOperationException($"start a folder job: {job.Status} {await job.TextAsync()}");
        }

        using var json = System.Text.Json.JsonDocument.Parse(await job.TextAsync());
        await GotoInteractiveAsync(page, $"jobs/{json.RootElement.GetProperty("id").GetString()}");
        await Expect(page.Locator("section.tb-job-progress[data-state=completed]")).ToBeVisibleAsync(new() { Timeout = 120_000 });
    }

    /// <summary>
    /// Collects console errors, uncaught exceptions and CSP violations (each also reported as a console error by the
    /// page's own listener) from now on, across navigations.
    /// </summary>
    public static async Task<ConcurrentQueue<string>> WatchConsoleAsync(IPage page)
    {
        var seen = new ConcurrentQueue<string>();
        page.Console += (_, message) =>
        {
            // Chromium asks for /favicon.ico on its own (no page links one); its 404 says nothing about the policy.
            if (message.Type == "error" && !BrowsersFavicon.IsMatch(message.Location))
            {
                seen.Enqueue($"{message.Text} ({message.Location})");
            }
        };
        page.PageError += (_, error) => seen.Enqueue("uncaught: " + error);
        await page.AddInitScriptAsync("document.addEventListener('securitypolicyviolation', e => console.error(`CSP violation: ${e.effectiveDirective} blocked ${e.blockedURI}`));");
        return seen;
    }
}

using System.Collections.Concurrent;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using TbScreen.Web.E2ETests.Infrastructure;
using static Microsoft.Playwright.Assertions;
using static TbScreen.Web.E2ETests.Infrastructure.DashboardSteps;

namespace TbScreen.Web.E2ETests;

/// <summary>
/// Issue 17 in the browser: the security headers on pages and static files (and the dashboard still working under its
/// policy), the lockout without user enumeration, and the forced change of the generated first-run password.
/// </summary>
[Collection(DashboardCollection.Name)]
public sealed class SecurityFlowTests(DashboardApp dashboard)
{
    /// <summary>SecurityHeadersMiddleware.ContentSecurityPolicy, as the browser must receive it.</summary>
    private const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; "
        + "frame-ancestors 'none'; object-src 'none'; base-uri 'self'; form-action 'self'";

    /// <summary>The sign-in page's answer to an unknown user, a wrong password and a locked account alike.</summary>
    private const string WrongCredentials = "Wrong user name or password, or the account is locked after repeated failed sign-ins. Try again later or ask an administrator.";

    [SkippableFact]
    public async Task Pages_and_static_files_carry_the_security_headers_and_the_dashboard_works_under_the_policy()
    {
        var (app, _) = await dashboard.StartAsync();
        var page = await dashboard.NewPageAsync();
        var problems = await WatchConsoleAsync(page);
        var responses = new ConcurrentQueue<IResponse>();
        page.Response += (_, response) => responses.Enqueue(response);
        var sockets = new ConcurrentQueue<string>();
        page.WebSocket += (_, socket) => sockets.Enqueue(socket.Url);

        // Signed out: the sign-in page and the stylesheet and script it loads.
        await AssertSecurityHeadersAsync(await page.GotoAsync("signin"), "GET /signin");
        await AssertStaticFileHeadersAsync(responses);

        // Signed in: an interactive dashboard page (a Blazor circuit over a WebSocket) and its static files.
        await SignInAsync(page, WebAppProcess.AdminUser, WebAppProcess.AdminPassword);
        responses.Clear();

        var users = await page.GotoAsync("admin/users");
        Assert.Equal(new Uri(app.BaseUrl, "admin/users").ToString(), page.Url);
        await AssertSecurityHeadersAsync(users, "GET /admin/users (signed in)");
        await AssertStaticFileHeadersAsync(responses);

        // The circuit answers a click: "Create" with no name is refused by the server-side handler, not by the browser.
        var message = page.Locator("div.alert[role=status]");
        await UntilAsync(() => ClickIfVisibleAsync(page.GetByTestId("create-user")), async () => await message.CountAsync() == 1, "click Create on the users page");
        await Expect(message).ToHaveTextAsync("Give a user name.");
        Assert.Contains(sockets, url => new Uri(url).AbsolutePath.StartsWith("/_blazor", StringComparison.Ordinal));

        await Expect(page.Locator("#blazor-error-ui")).ToBeHiddenAsync();
        // The browser took the permissions policy: no page may ask for the camera, the microphone or the location.
        Assert.Equal(new[] { false, false, false, true },
            await page.EvaluateAsync<bool[]>("() => ['camera', 'microphone', 'geolocation', 'fullscreen'].map(f => document.featurePolicy.allowsFeature(f))"));
        Assert.True(problems.IsEmpty, "console errors: " + string.Join("\n", problems));

        // The policy is enforced, and the watch above would have seen a refusal: the app cannot be framed, not even by
        // its own pages ('none'; Chromium lets no public site frame a loopback address anyway).
        var framer = await page.Context.NewPageAsync();
        var refusals = await WatchConsoleAsync(framer);
        await framer.GotoAsync("signin");
        await framer.SetContentAsync("<!DOCTYPE html><iframe src=\"/signin\"></iframe>");
        await UntilAsync(() => Task.CompletedTask, () => Task.FromResult(refusals.Any(r => r.Contains("violates the following Content Security Policy directive: \"frame-ancestors 'none'\"", StringComparison.Ordinal))),
            "the browser's refusal to frame the sign-in page", attempts: 5);
        Assert.Equal(0, await framer.FrameLocator("iframe").Locator("#username").CountAsync());
        Assert.DoesNotContain(framer.Frames, frame => frame != framer.MainFrame && frame.Url.Contains("/signin", StringComparison.Ordinal));
        await page.Context.CloseAsync();
    }

    [SkippableFact]
    public async Task Failed_sign_ins_lock_the_account_and_the_answers_do_not_tell_a_real_user_from_an_unknown_one()
    {
        string suffix = Guid.NewGuid().ToString("N")[..8];
        string user = "lockout-" + suffix;
        const string password = "Lockout-e2e-Passw0rd!";
        var admin = await dashboard.NewPageAsync();
        await SignInAsync(admin, WebAppProcess.AdminUser, WebAppProcess.AdminPassword);
        var created = await admin.APIRequest.PostAsync("api/users", new()
        {
            DataObject = new { userName = user, password, roles = new[] { "clinician" } },
        });
        Assert.True(created.Status == 201, $"create {user}: {created.Status} {await created.TextAsync()}");
        await admin.Context.CloseAsync();

        // An unknown user and a wrong password for a real one get the same page, word for word.
        var page = await dashboard.NewPageAsync();
        var card = page.Locator("section.card");
        Assert.Equal(WrongCredentials, await RefusedSignInAsync(page, "nobody-" + suffix, password));
        string unknownPage = await card.InnerTextAsync();
        Assert.Equal(WrongCredentials, await RefusedSignInAsync(page, user, "Wrong-Passw0rd-1!"));
        Assert.Equal(unknownPage, await card.InnerTextAsync());

        // Up to the configured limit; the failure that reaches it locks the account.
        for (int attempt = 2; attempt < WebAppProcess.LockoutAttempts; attempt++)
        {
            Assert.Equal(WrongCredentials, await RefusedSignInAsync(page, user, $"Wrong-Passw0rd-{attempt}!"));
        }

        Assert.Equal(WrongCredentials, await RefusedSignInAsync(page, user, $"Wrong-Passw0rd-{WebAppProcess.LockoutAttempts}!"));

        // Locked: the right password is refused too, with the same page an unknown user gets (the lockout does not
        // reveal that the account exists), and no session comes of it.
        Assert.Equal(WrongCredentials, await RefusedSignInAsync(page, user, password));
        Assert.Equal(unknownPage, await card.InnerTextAsync());
        Assert.Equal(401, (await page.APIRequest.GetAsync("api/auth/me")).Status);
        await page.Context.CloseAsync();
    }

    [SkippableFact]
    public async Task The_generated_first_run_password_leads_to_the_password_change_until_it_is_changed()
    {
        const string chosen = "Chosen-e2e-Passw0rd!";
        await dashboard.BrowserAsync(); // the chromium check first: a missing browser fails (or skips) before the host starts
        await using var app = await WebAppProcess.StartAsync(generatedAdminPassword: true);

        // The console names the file, never the password; the file is the service account's alone.
        var announced = await app.WaitForLogAsync(new Regex(@"Password\s+in (?<path>\S+) \(readable by this service account only\)"), TimeSpan.FromSeconds(30));
        string file = announced.Groups["path"].Value;
        Assert.Equal(Path.Combine(app.DataDirectory, "keys", "initial-admin-password.txt"), file);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
        }

        string generated = (await File.ReadAllTextAsync(file)).Trim();
        Assert.Equal(24, generated.Length);
        Assert.DoesNotContain(generated, app.Log, StringComparison.Ordinal);
        // What the console tells the operator to do is what the app lets them do (it once sent them to the Users page,
        // which the password gate redirects away from).
        Assert.Contains("You choose a new password at first sign-in; then delete that file.", app.Log, StringComparison.Ordinal);
        Assert.DoesNotContain("Users page", app.Log, StringComparison.Ordinal);

        // Signing in with it lands on the change page, and every other page leads back there.
        var page = await dashboard.NewPageAsync(app);
        string changePage = new Uri(app.BaseUrl, "account/password").ToString();
        await SignInAsync(page, WebAppProcess.AdminUser, generated);
        await Expect(page).ToHaveURLAsync(changePage);
        await Expect(page.Locator("p.alert[role=status]")).ToHaveTextAsync("Your password was generated for the first start. Choose your own before you continue.");
        foreach (string path in new[] { "", "upload", "worklist", "admin/users", "jobs" })
        {
            var response = await page.GotoAsync(path);
            Assert.Equal(changePage, page.Url);
            var redirect = await response!.Request.RedirectedFrom!.ResponseAsync();
            Assert.Equal(302, redirect!.Status);
            Assert.Equal("/account/password", await redirect.HeaderValueAsync("location"));
        }

        var gated = await page.APIRequest.GetAsync("api/users");
        Assert.Equal(403, gated.Status);
        Assert.Contains("Password change required", await gated.TextAsync(), StringComparison.Ordinal);

        // Changing it opens the dashboard.
        await page.GotoAsync("account/password");
        await page.Locator("#current").FillAsync(generated);
        await page.Locator("#next").FillAsync(chosen);
        await page.Locator("#confirm").FillAsync(chosen);
        await page.GetByRole(AriaRole.Button, new() { Name = "Change password" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(app.BaseUrl.ToString());
        var upload = await page.GotoAsync("upload");
        Assert.Equal(new Uri(app.BaseUrl, "upload").ToString(), page.Url);
        Assert.Equal(200, upload!.Status);
        await Expect(page.Locator("h1")).ToHaveTextAsync("Upload radiographs");
        Assert.Equal(200, (await page.APIRequest.GetAsync("api/users")).Status);
        await page.Context.CloseAsync();

        // The generated password is spent; the chosen one signs in straight to the dashboard.
        var later = await dashboard.NewPageAsync(app);
        Assert.Equal(WrongCredentials, await RefusedSignInAsync(later, WebAppProcess.AdminUser, generated));
        await SignInAsync(later, WebAppProcess.AdminUser, chosen);
        await Expect(later).ToHaveURLAsync(app.BaseUrl.ToString());
        await later.GotoAsync("admin/users");
        Assert.Equal(new Uri(app.BaseUrl, "admin/users").ToString(), later.Url);
        await later.Context.CloseAsync();
    }

    private static async Task AssertSecurityHeadersAsync(IResponse? response, string what, params int[] statuses)
    {
        Assert.NotNull(response);
        int[] expected = statuses.Length > 0 ? statuses : [200];
        Assert.True(expected.Contains(response.Status), $"{what}: {response.Status}");
        Assert.Equal(new[] { ContentSecurityPolicy }, await response.HeaderValuesAsync("content-security-policy"));
        Assert.Equal(new[] { "nosniff" }, await response.HeaderValuesAsync("x-content-type-options"));
        Assert.Equal(new[] { "no-referrer" }, await response.HeaderValuesAsync("referrer-policy"));
        Assert.Equal(new[] { "DENY" }, await response.HeaderValuesAsync("x-frame-options"));
        Assert.Equal(new[] { "camera=(), microphone=(), geolocation=(), payment=(), usb=()" }, await response.HeaderValuesAsync("permissions-policy"));
        Assert.Equal(new[] { "same-origin" }, await response.HeaderValuesAsync("cross-origin-opener-policy"));
    }

    /// <summary>
    /// The page's stylesheet and Blazor's script (fingerprinted names) came with the same headers: every response
    /// for them, the download and any revalidation (304) alike.
    /// </summary>
    private static async Task AssertStaticFileHeadersAsync(ConcurrentQueue<IResponse> responses)
    {
        string[] patterns = [@"/app\.([a-z0-9]+\.)?css$", @"/_framework/blazor\.web\.([a-z0-9]+\.)?js$"];
        foreach (string pattern in patterns)
        {
            var files = responses.Where(r => Regex.IsMatch(new Uri(r.Url).AbsolutePath, pattern)).ToList();
            Assert.True(files.Count > 0, $"no response for {pattern} among {string.Join(", ", responses.Select(r => r.Url))}");
            foreach (var file in files)
            {
                await AssertSecurityHeadersAsync(file, $"GET {new Uri(file.Url).AbsolutePath}", 200, 304);
            }
        }
    }
}

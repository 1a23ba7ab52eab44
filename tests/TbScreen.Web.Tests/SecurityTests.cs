using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using TbScreen.Screening.Persistence;
using TbScreen.Web.Identity;
using TbScreen.Web.Tests.Infrastructure;
using static TbScreen.Web.Tests.Infrastructure.HttpAssertions;

namespace TbScreen.Web.Tests;

[Collection(ApiCollection.Name)]
public sealed partial class SecurityTests(TbScreenApiFactory factory)
{
    /// <summary>The only routes anyone may reach signed out: the sign-in page and the login call (plus static files).</summary>
    private static readonly HashSet<string> Anonymous = ["/signin", "/api/auth/login"];

    [Fact]
    public async Task Every_endpoint_refuses_anonymous_callers_api_with_401_and_pages_with_a_redirect_to_sign_in()
    {
        var endpoints = factory.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>().ToList();
        using var client = factory.AnonymousClient();
        var checkedRoutes = new List<string>();
        foreach (var endpoint in endpoints)
        {
            string pattern = "/" + (endpoint.RoutePattern.RawText ?? "").Trim('/');
            bool allowsAnonymous = endpoint.Metadata.GetMetadata<IAllowAnonymous>() is not null;
            if (IsStaticAsset(endpoint))
            {
                continue; // css and blazor.web.js: the sign-in page needs them
            }

            if (allowsAnonymous)
            {
                Assert.True(Anonymous.Contains(pattern), $"{pattern} allows anonymous access but is not on the list of public routes");
                continue;
            }

            string path = Concrete(pattern);
            foreach (string method in endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? ["GET"])
            {
                // No body: an endpoint that only accepts forms would answer a JSON body with 415 before authorization.
                using var request = new HttpRequestMessage(new HttpMethod(method), path);

                var response = await client.SendAsync(request);
                bool api = path.StartsWith("/api/", StringComparison.Ordinal) || path.StartsWith("/openapi/", StringComparison.Ordinal) || path.StartsWith("/dicomweb/", StringComparison.Ordinal);
                if (api)
                {
                    Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, $"{method} {path}: expected 401, got {(int)response.StatusCode}");
                }
                else
                {
                    Assert.True(response.StatusCode == HttpStatusCode.Redirect, $"{method} {path}: expected a redirect, got {(int)response.StatusCode}");
                    Assert.StartsWith("http://localhost/signin?ReturnUrl=", response.Headers.Location?.ToString());
                }

                checkedRoutes.Add($"{method} {path}");
            }
        }

        // The enumeration really saw the API and the pages (a broken data source must not pass vacuously).
        Assert.Contains("POST /api/screenings", checkedRoutes);
        Assert.Contains("POST /api/screenings/1/reviews", checkedRoutes);
        Assert.Contains("GET /results/1", checkedRoutes);
        Assert.Contains("GET /worklist", checkedRoutes);
        Assert.Contains("GET /admin/users", checkedRoutes);
        Assert.Contains("GET /openapi/x.json", checkedRoutes);
    }

    [Fact]
    public async Task The_sign_in_page_is_public()
    {
        using var client = factory.AnonymousClient();
        var response = await client.GetAsync("/signin");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("Research use only, not a medical device", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_clinician_cannot_review_and_a_radiologist_can()
    {
        using var clinician = await factory.ClientAsAsync(Roles.Clinician);
        var created = await (await clinician.PostAsync("/api/screenings", Upload(TestRadiographs.Phantom(TestRadiographs.NewSeed()))))
            .JsonAsync(HttpStatusCode.Created);
        string id = created.GetProperty("id").ToString();
        string model = created.GetProperty("decision").GetString()!;

        var refused = await clinician.PostAsJsonAsync($"/api/screenings/{id}/reviews", new { finalLabel = model });
        await refused.ProblemAsync(HttpStatusCode.Forbidden);

        string radiologistName = await factory.CreateUserAsync(Roles.Radiologist);
        using var radiologist = await factory.SignedInClientAsync(radiologistName, TbScreenApiFactory.UserPassword);
        var review = await (await radiologist.PostAsJsonAsync($"/api/screenings/{id}/reviews", new { finalLabel = model, note = "agree" }))
            .JsonAsync(HttpStatusCode.Created);
        Assert.Equal(radiologistName, review.GetProperty("reviewer").GetString());
        Assert.Equal(model, review.GetProperty("finalLabel").GetString());

        var trail = await factory.Services.GetRequiredService<IScreeningStore>().AuditTrailAsync(5000);
        Assert.Contains(trail, e => e.Action == "screening.review" && e.Actor == radiologistName && e.Target == $"result/{id}" && e.Detail!.StartsWith("confirm", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_override_without_a_note_is_a_400_validation_problem()
    {
        using var clinician = await factory.ClientAsAsync(Roles.Clinician);
        var created = await (await clinician.PostAsync("/api/screenings", Upload(TestRadiographs.Phantom(TestRadiographs.NewSeed()))))
            .JsonAsync(HttpStatusCode.Created);
        string other = created.GetProperty("decision").GetString() == "tb" ? "not-tb" : "tb";
        using var radiologist = await factory.ClientAsAsync(Roles.Radiologist);

        var problem = await (await radiologist.PostAsJsonAsync($"/api/screenings/{created.GetProperty("id")}/reviews", new { finalLabel = other }))
            .ProblemAsync(HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty("note", out _));
    }

    [Theory]
    [InlineData(Roles.Auditor, "POST", "/api/screenings")]
    [InlineData(Roles.Clinician, "POST", "/api/jobs")]
    [InlineData(Roles.Radiologist, "GET", "/api/users")]
    [InlineData(Roles.Clinician, "GET", "/api/reports")]
    [InlineData(Roles.Clinician, "GET", "/api/audit")]
    [InlineData(Roles.Auditor, "GET", "/api/worklist")]
    public async Task A_role_without_the_feature_gets_403(string role, string method, string path)
    {
        using var client = await factory.ClientAsAsync(role);
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (method == "POST")
        {
            request.Content = path == "/api/screenings"
                ? Upload(TestRadiographs.Phantom(TestRadiographs.NewSeed()))
                : JsonContent.Create(new { folder = factory.AllowedJobRoot });
        }

        await (await client.SendAsync(request)).ProblemAsync(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task A_page_for_another_role_says_access_denied()
    {
        using var clinician = await factory.ClientAsAsync(Roles.Clinician);
        var response = await clinician.GetAsync("/admin/users");
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("http://localhost/access-denied", response.Headers.Location?.ToString());
    }

    [Fact]
    public async Task An_account_locks_after_the_configured_number_of_failed_sign_ins()
    {
        string user = await factory.CreateUserAsync(Roles.Clinician);
        using var client = factory.AnonymousClient();
        for (int i = 1; i < TbScreenApiFactory.LockoutAttempts; i++)
        {
            await (await client.PostAsJsonAsync("/api/auth/login", new { userName = user, password = "wrong" })).ProblemAsync(HttpStatusCode.Unauthorized);
        }

        // The attempt that reaches the limit locks the account, and then even the right password is refused, with the
        // answer an unknown user gets word for word: a lockout does not reveal that the account exists (issue 17).
        var unknown = await (await client.PostAsJsonAsync("/api/auth/login", new { userName = "nobody-" + user, password = "wrong" })).ProblemAsync(HttpStatusCode.Unauthorized);
        var locking = await (await client.PostAsJsonAsync("/api/auth/login", new { userName = user, password = "wrong" })).ProblemAsync(HttpStatusCode.Unauthorized);
        var locked = await (await client.PostAsJsonAsync("/api/auth/login", new { userName = user, password = TbScreenApiFactory.UserPassword })).ProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Equal(unknown.GetProperty("detail").GetString(), locking.GetProperty("detail").GetString());
        Assert.Equal(unknown.GetProperty("detail").GetString(), locked.GetProperty("detail").GetString());
        Assert.Equal(unknown.GetProperty("title").GetString(), locked.GetProperty("title").GetString());

        var trail = await factory.Services.GetRequiredService<IScreeningStore>().AuditTrailAsync(5000);
        Assert.Equal(TbScreenApiFactory.LockoutAttempts - 1, trail.Count(e => e.Actor == user && e.Action == "auth.signin.failed"));
        Assert.Equal(2, trail.Count(e => e.Actor == user && e.Action == "auth.signin.lockedout"));
    }

    [Fact]
    public async Task Cookie_signing_keys_are_sealed_at_rest_in_a_folder_only_the_service_account_can_open()
    {
        using var client = await factory.ClientAsAsync(Roles.Clinician); // signing in makes a data-protection key
        string folder = Path.Combine(factory.Root, "keys");
        var keys = Directory.GetFiles(folder, "key-*.xml");
        Assert.NotEmpty(keys);
        foreach (string key in keys)
        {
            string xml = File.ReadAllText(key);
            Assert.Contains("tbscreenEncryptedKey", xml, StringComparison.Ordinal);
            Assert.DoesNotContain("unencrypted form", xml, StringComparison.Ordinal);
            Assert.DoesNotContain("<masterKey", xml, StringComparison.Ordinal);
        }

        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(folder));
        }
    }

    [Fact]
    public async Task Every_user_can_change_their_own_password_with_the_current_one()
    {
        string user = await factory.CreateUserAsync(Roles.Auditor);
        using var client = await factory.SignedInClientAsync(user, TbScreenApiFactory.UserPassword);

        var wrong = await client.PostAsJsonAsync("/api/account/password", new { currentPassword = "Not-The-Password-1", newPassword = "Another-Good-Password-2" });
        Assert.Contains("current password is wrong", (await wrong.ProblemAsync(HttpStatusCode.BadRequest)).GetProperty("detail").GetString());
        var changed = await client.PostAsJsonAsync("/api/account/password", new { currentPassword = TbScreenApiFactory.UserPassword, newPassword = "Another-Good-Password-2" });
        Assert.Equal(HttpStatusCode.NoContent, changed.StatusCode);

        using var anonymous = factory.AnonymousClient();
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.PostAsJsonAsync("/api/auth/login", new { userName = user, password = TbScreenApiFactory.UserPassword })).StatusCode);
        using var again = await factory.SignedInClientAsync(user, "Another-Good-Password-2");
        var trail = await factory.Services.GetRequiredService<TbScreen.Screening.Persistence.IScreeningStore>().AuditTrailAsync(5000);
        // Audited ahead (write-ahead, issue 17): both attempts have a row, and the refused one a second row with the reason.
        Assert.Equal(2, trail.Count(e => e.Action == "user.password.own" && e.Actor == user));
        Assert.Single(trail, e => e.Action == "user.change.failed" && e.Actor == user && e.Detail == "user.password.own: The current password is wrong.");
    }

    [Fact]
    public async Task A_disabled_users_open_session_ends_and_they_cannot_sign_in_until_enabled_again()
    {
        string user = await factory.CreateUserAsync(Roles.Clinician);
        using var session = await factory.SignedInClientAsync(user, TbScreenApiFactory.UserPassword);
        using var admin = await factory.ClientAsAsync(Roles.Admin);
        Assert.Equal(HttpStatusCode.OK, (await session.GetAsync("/api/auth/me")).StatusCode);

        Assert.Equal(HttpStatusCode.NoContent, (await admin.PutAsJsonAsync($"/api/users/{user}/enabled", new { enabled = false })).StatusCode);

        Assert.Equal(HttpStatusCode.Unauthorized, (await session.GetAsync("/api/auth/me")).StatusCode);
        using var anonymous = factory.AnonymousClient();
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.PostAsJsonAsync("/api/auth/login", new { userName = user, password = TbScreenApiFactory.UserPassword })).StatusCode);
        var listed = await (await admin.GetAsync("/api/users")).JsonAsync(HttpStatusCode.OK);
        Assert.True(listed.EnumerateArray().Single(u => u.GetProperty("userName").GetString() == user).GetProperty("disabled").GetBoolean());

        Assert.Equal(HttpStatusCode.NoContent, (await admin.PutAsJsonAsync($"/api/users/{user}/enabled", new { enabled = true })).StatusCode);
        using var back = await factory.SignedInClientAsync(user, TbScreenApiFactory.UserPassword);
        var trail = await factory.Services.GetRequiredService<IScreeningStore>().AuditTrailAsync(5000);
        Assert.Contains(trail, e => e.Action == "user.disabled" && e.Target == $"user/{user}");
        Assert.Contains(trail, e => e.Action == "user.enabled" && e.Target == $"user/{user}");
    }

    [Fact]
    public async Task A_role_change_ends_sessions_holding_the_old_roles_and_admins_cannot_disable_themselves()
    {
        string admin = await factory.CreateUserAsync(Roles.Admin);
        using var adminClient = await factory.SignedInClientAsync(admin, TbScreenApiFactory.UserPassword);
        string auditor = await factory.CreateUserAsync(Roles.Auditor);
        using var auditorClient = await factory.SignedInClientAsync(auditor, TbScreenApiFactory.UserPassword);
        Assert.Equal(HttpStatusCode.OK, (await auditorClient.GetAsync("/api/audit")).StatusCode);

        Assert.Equal(HttpStatusCode.NoContent, (await adminClient.PutAsJsonAsync($"/api/users/{auditor}/roles", new { roles = new[] { Roles.Clinician } })).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await auditorClient.GetAsync("/api/audit")).StatusCode);

        var self = await (await adminClient.PutAsJsonAsync($"/api/users/{admin}/enabled", new { enabled = false })).ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains("your own account", self.GetProperty("detail").GetString());

        await using var scope = factory.Services.CreateAsyncScope();
        Assert.IsType<RevalidatingIdentityStateProvider>(scope.ServiceProvider.GetRequiredService<Microsoft.AspNetCore.Components.Authorization.AuthenticationStateProvider>());
    }

    [Fact]
    public async Task A_signed_in_multipart_upload_without_the_client_header_is_refused_as_possible_forgery()
    {
        using var client = await factory.ClientAsAsync(Roles.Clinician);
        using var forged = new HttpRequestMessage(HttpMethod.Post, "/api/screenings") { Content = Upload(TestRadiographs.Phantom(TestRadiographs.NewSeed())) };
        client.DefaultRequestHeaders.Remove("X-TbScreen-Client"); // what an HTML form on another site sends

        var problem = await (await client.SendAsync(forged)).ProblemAsync(HttpStatusCode.Forbidden);
        Assert.Contains("X-TbScreen-Client", problem.GetProperty("detail").GetString());
    }

    /// <summary>Regression (issue 17): the self-demotion check compared names case-sensitively; Identity does not.</summary>
    [Fact]
    public async Task An_admin_cannot_remove_their_own_admin_role_under_another_spelling_of_their_name()
    {
        string admin = await factory.CreateUserAsync(Roles.Admin);
        using var client = await factory.SignedInClientAsync(admin, TbScreenApiFactory.UserPassword);

        var problem = await (await client.PutAsJsonAsync($"/api/users/{admin.ToUpperInvariant()}/roles", new { roles = new[] { Roles.Clinician } }))
            .ProblemAsync(HttpStatusCode.BadRequest);

        Assert.Contains("your own admin role", problem.GetProperty("detail").GetString());
        (await client.GetAsync("/api/users")).EnsureSuccessStatusCode(); // still an admin
    }

    [Fact]
    public async Task Signing_out_ends_the_session()
    {
        using var client = await factory.ClientAsAsync(Roles.Clinician);
        await (await client.GetAsync("/api/auth/me")).JsonAsync(HttpStatusCode.OK);
        Assert.Equal(HttpStatusCode.NoContent, (await client.PostAsync("/api/auth/logout", null)).StatusCode);
        await (await client.GetAsync("/api/auth/me")).ProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Browser_form_posts_without_an_antiforgery_token_are_refused()
    {
        using var client = await factory.ClientAsAsync(Roles.Clinician);
        var signOut = await client.PostAsync("/account/signout", new FormUrlEncodedContent([]));
        Assert.Equal(HttpStatusCode.BadRequest, signOut.StatusCode);
        // Still signed in: the forged sign-out did nothing.
        await (await client.GetAsync("/api/auth/me")).JsonAsync(HttpStatusCode.OK);

        using var anonymous = factory.AnonymousClient();
        var signIn = await anonymous.PostAsync("/signin", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "signin",
            ["Input.UserName"] = "admin",
            ["Input.Password"] = TbScreenApiFactory.AdminPassword,
        }));
        Assert.Equal(HttpStatusCode.BadRequest, signIn.StatusCode);
        Assert.False(signIn.Headers.TryGetValues("Set-Cookie", out var cookies) && cookies.Any(c => c.StartsWith("tbscreen.auth=", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task The_sign_in_form_with_its_token_signs_in_and_redirects_only_to_local_paths()
    {
        using var client = factory.AnonymousClient();
        string page = await client.GetStringAsync("/signin");
        string token = AntiforgeryField().Match(page).Groups[1].Value;
        Assert.NotEmpty(token);
        string user = await factory.CreateUserAsync(Roles.Clinician);

        var response = await client.PostAsync("/signin?returnUrl=https%3A%2F%2Fevil.example%2F", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "signin",
            ["__RequestVerificationToken"] = WebUtility.HtmlDecode(token),
            ["Input.UserName"] = user,
            ["Input.Password"] = TbScreenApiFactory.UserPassword,
        }));
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("http://localhost/", response.Headers.Location?.ToString()); // home, not the foreign returnUrl
        Assert.Contains(response.Headers.GetValues("Set-Cookie"), c => c.StartsWith("tbscreen.auth=", StringComparison.Ordinal) && c.Contains("samesite=strict", StringComparison.OrdinalIgnoreCase));
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryField();

    internal static bool IsStaticAsset(RouteEndpoint endpoint) =>
        endpoint.Metadata.Any(m => m.GetType().FullName?.StartsWith("Microsoft.AspNetCore.StaticAssets.", StringComparison.Ordinal) == true);

    /// <summary>A request path for a route pattern: every parameter becomes 1 (ids) or x.</summary>
    internal static string Concrete(string pattern) =>
        RouteParameter().Replace(pattern, m => m.Value.Contains(":long", StringComparison.Ordinal) || m.Value.Contains(":int", StringComparison.Ordinal) ? "1" : "x");

    [GeneratedRegex(@"\{[^}]+\}")]
    private static partial Regex RouteParameter();
}

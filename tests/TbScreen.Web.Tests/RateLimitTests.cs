using System.Net;
using System.Net.Http.Json;
using TbScreen.Web.Identity;
using TbScreen.Web.Tests.Infrastructure;
using static TbScreen.Web.Tests.Infrastructure.HttpAssertions;

namespace TbScreen.Web.Tests;

/// <summary>Abuse (issue 17): sign-in spraying and API floods get 429 with Retry-After; unknown users and wrong passwords look alike.</summary>
public sealed class RateLimitTests : IDisposable
{
    private readonly TbScreenApiFactory _factory = new(
        Path.Combine(Path.GetTempPath(), "tbscreen-web-tests", Guid.NewGuid().ToString("N")),
        settings: new Dictionary<string, string?>
        {
            ["TbScreen:Security:RateLimits:SignInsPerMinute"] = "4",
            ["TbScreen:Security:RateLimits:ApiRequestsPerMinute"] = "5",
        });

    public void Dispose() => _factory.Dispose();

    [Fact]
    public async Task Sign_in_attempts_past_the_limit_get_429_with_retry_after()
    {
        using var client = _factory.AnonymousClient();
        for (int i = 0; i < 4; i++)
        {
            var refused = await client.PostAsJsonAsync("/api/auth/login", new { userName = $"nobody-{i}", password = "Wrong-Password-1" });
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        }

        var limited = await client.PostAsJsonAsync("/api/auth/login", new { userName = "admin", password = TbScreenApiFactory.AdminPassword });
        var problem = await limited.ProblemAsync(HttpStatusCode.TooManyRequests);
        Assert.Equal("Too many requests", problem.GetProperty("title").GetString());
        Assert.True(limited.Headers.RetryAfter is not null, "no Retry-After header");
    }

    [Fact]
    public async Task Api_calls_are_limited_per_user_and_another_user_is_not_held_up()
    {
        string first = await _factory.CreateUserAsync(Roles.Auditor);
        string second = await _factory.CreateUserAsync(Roles.Auditor);
        using var a = await _factory.SignedInClientAsync(first, TbScreenApiFactory.UserPassword);
        using var b = await _factory.SignedInClientAsync(second, TbScreenApiFactory.UserPassword);
        for (int i = 0; i < 5; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await a.GetAsync("/api/auth/me")).StatusCode);
        }

        await (await a.GetAsync("/api/auth/me")).ProblemAsync(HttpStatusCode.TooManyRequests);
        Assert.Equal(HttpStatusCode.OK, (await b.GetAsync("/api/auth/me")).StatusCode);
    }

    [Fact]
    public async Task An_unknown_user_and_a_wrong_password_get_the_same_answer()
    {
        string user = await _factory.CreateUserAsync(Roles.Clinician);
        using var client = _factory.AnonymousClient();
        var unknown = await client.PostAsJsonAsync("/api/auth/login", new { userName = "no-such-user-x", password = "Wrong-Password-1" });
        var wrong = await client.PostAsJsonAsync("/api/auth/login", new { userName = user, password = "Wrong-Password-1" });

        Assert.Equal(unknown.StatusCode, wrong.StatusCode);
        var u = await unknown.ProblemAsync(unknown.StatusCode);
        var w = await wrong.ProblemAsync(wrong.StatusCode);
        Assert.Equal(u.GetProperty("title").GetString(), w.GetProperty("title").GetString());
        Assert.Equal(u.GetProperty("detail").GetString(), w.GetProperty("detail").GetString());
    }
}

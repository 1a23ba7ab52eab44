using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Mvc.Testing;
using TbScreen.Web.Hosting;
using TbScreen.Web.Tests.Infrastructure;

namespace TbScreen.Web.Tests;

/// <summary>Transport (issue 17): no plain HTTP beyond loopback without an explicit flag; HSTS and Secure cookies over HTTPS.</summary>
[Collection(ApiCollection.Name)]
public sealed class TransportTests(TbScreenApiFactory factory)
{
    [Theory]
    [InlineData("http://127.0.0.1:5080", false, true)]
    [InlineData("http://localhost:5080;http://[::1]:5080", false, true)]
    [InlineData("https://0.0.0.0:5443", false, true)]
    [InlineData("http://0.0.0.0:5080", false, false)]
    [InlineData("http://127.0.0.1:5080;http://10.2.3.4:80", false, false)]
    [InlineData("http://[::]:5080", false, false)]
    [InlineData("http://*:5080", false, false)]
    [InlineData("http://0.0.0.0:5080", true, true)]
    public void Plain_http_beyond_loopback_needs_the_flag(string urls, bool allow, bool accepted)
    {
        string? problem = TransportGuard.Problem(urls, allow);
        Assert.Equal(accepted, problem is null);
        if (problem is not null)
        {
            Assert.Contains(TransportGuard.AllowInsecureFlag, problem, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void The_flag_is_taken_out_of_the_arguments()
    {
        Assert.Equal(["--urls", "http://0.0.0.0:80"], TransportGuard.WithoutFlag(["--urls", "http://0.0.0.0:80", TransportGuard.AllowInsecureFlag], out bool allow));
        Assert.True(allow);
        TransportGuard.WithoutFlag(["--urls", "x"], out allow);
        Assert.False(allow);
    }

    [Fact]
    public async Task Over_https_the_host_sends_hsts_and_marks_the_sign_in_cookie_secure()
    {
        using var https = factory.CreateClient(new WebApplicationFactoryClientOptions { BaseAddress = new Uri("https://tbscreen.example/"), AllowAutoRedirect = false });
        string user = await factory.CreateUserAsync(TbScreen.Web.Identity.Roles.Clinician);
        var signIn = await https.PostAsJsonAsync("/api/auth/login", new { userName = user, password = TbScreenApiFactory.UserPassword });

        Assert.Equal(HttpStatusCode.NoContent, signIn.StatusCode);
        Assert.True(signIn.Headers.TryGetValues("Strict-Transport-Security", out var hsts), "no HSTS over HTTPS");
        Assert.Contains("max-age=", hsts!.Single(), StringComparison.Ordinal);
        Assert.Contains(signIn.Headers.GetValues("Set-Cookie"), c => c.StartsWith("tbscreen.auth=", StringComparison.Ordinal) && c.Contains("secure", StringComparison.OrdinalIgnoreCase));

        using var plain = factory.CreateClient(new WebApplicationFactoryClientOptions { BaseAddress = new Uri("http://tbscreen.example/") });
        Assert.False((await plain.GetAsync("/signin")).Headers.Contains("Strict-Transport-Security"));
    }
}

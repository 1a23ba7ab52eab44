using TbScreen.Web.Reports;
using TbScreen.Web.Tests.Infrastructure;

namespace TbScreen.Web.Tests;

/// <summary>Every response carries the security headers; model-card Markdown cannot carry script links in any spelling.</summary>
public sealed class SecurityHeadersTests
{
    [Theory]
    [InlineData("/signin")]
    [InlineData("/api/screenings/1")]
    [InlineData("/no-such-page")]
    public async Task Pages_api_answers_and_errors_carry_the_headers(string path)
    {
        using var host = new TbScreenApiFactory();
        using var client = host.AnonymousClient();
        var response = await client.GetAsync(path);

        Assert.Equal("nosniff", Assert.Single(response.Headers.GetValues("X-Content-Type-Options")));
        Assert.Equal("no-referrer", Assert.Single(response.Headers.GetValues("Referrer-Policy")));
        Assert.Equal("DENY", Assert.Single(response.Headers.GetValues("X-Frame-Options")));
        Assert.Contains("frame-ancestors 'none'", Assert.Single(response.Headers.GetValues("Content-Security-Policy")));
    }

    [Theory]
    [InlineData("[x](javascript:alert(1))")]
    [InlineData("[x](JaVaScRiPt:alert(1))")]
    [InlineData("[x](<java\tscript:alert(1)>)")]
    [InlineData("[x](data:text/html,<script>alert(1)</script>)")]
    [InlineData("[x](jav&#x61;script:alert(1))")]
    [InlineData("<javascript:alert(1)>")]
    [InlineData("<data:text/html,alert(1)>")]
    [InlineData("[x](vbscript:msgbox)")]
    public void Script_and_data_links_become_inert(string markdown)
    {
        string html = ModelCatalog.RenderMarkdown(markdown);
        Assert.Contains("href=\"#\"", html);
        Assert.DoesNotContain("script:", html.Replace("<script>", "", StringComparison.Ordinal), StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("href=\"data:", html, StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData("[x](https://example.org/a)", "https://example.org/a")]
    [InlineData("[x](mailto:team@example.org)", "mailto:team@example.org")]
    [InlineData("[x](figures/roc.svg)", "figures/roc.svg")]
    [InlineData("[x](docs/a:b.md)", "docs/a:b.md")]
    [InlineData("<https://example.org>", "https://example.org")]
    public void Ordinary_links_are_kept(string markdown, string href) =>
        Assert.Contains($"href=\"{href}\"", ModelCatalog.RenderMarkdown(markdown));
}

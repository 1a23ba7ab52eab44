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
        Assert.Equal("camera=(), microphone=(), geolocation=(), payment=(), usb=()", Assert.Single(response.Headers.GetValues("Permissions-Policy")));
        Assert.Equal("same-origin", Assert.Single(response.Headers.GetValues("Cross-Origin-Opener-Policy")));
        Assert.Equal(
            "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; "
            + "frame-ancestors 'none'; object-src 'none'; base-uri 'self'; form-action 'self'",
            Assert.Single(response.Headers.GetValues("Content-Security-Policy")));
    }

    /// <summary>
    /// The dashboard's pages carry no inline script (no import map: it has no JavaScript modules), so the policy's
    /// script-src 'self' leaves Blazor working; the page's one script is blazor.web.js from our own origin.
    /// </summary>
    [Fact]
    public async Task The_sign_in_page_has_no_inline_script_or_style()
    {
        using var host = new TbScreenApiFactory();
        using var client = host.AnonymousClient();
        string html = await client.GetStringAsync("/signin");

        var scripts = System.Text.RegularExpressions.Regex.Matches(html, "<script\\b[^>]*>", System.Text.RegularExpressions.RegexOptions.IgnoreCase);
        var script = Assert.Single(scripts);
        Assert.Matches("src=\"_framework/blazor\\.web(\\.[a-z0-9]+)?\\.js\"", script.Value);
        Assert.DoesNotContain("<style", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(" style=", html, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("id=\"components-reconnect-modal\"", html, StringComparison.Ordinal);
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

    /// <summary>Model cards align table columns with classes: Markdig's own style attributes would break the policy.</summary>
    [Fact]
    public void Table_column_alignment_becomes_classes_not_style_attributes()
    {
        string html = ModelCatalog.RenderMarkdown("| split | AUC | n |\n|:---|---:|:-:|\n| test | 0.862 | 75 |\n");

        Assert.DoesNotContain("style=", html, StringComparison.Ordinal);
        Assert.Contains("<th class=\"tb-align-left\">split</th>", html, StringComparison.Ordinal);
        Assert.Contains("<th class=\"tb-align-right\">AUC</th>", html, StringComparison.Ordinal);
        Assert.Contains("<td class=\"tb-align-right\">0.862</td>", html, StringComparison.Ordinal);
        Assert.Contains("<td class=\"tb-align-center\">75</td>", html, StringComparison.Ordinal);
    }
}

using System.Net;
using TbScreen.Web.Identity;
using TbScreen.Web.Tests.Infrastructure;
using static TbScreen.Web.Tests.Infrastructure.HttpAssertions;

namespace TbScreen.Web.Tests;

/// <summary>Issue 18: the INT8 ensemble is selected like the pruned one, by TbScreen:Ensemble, with no rebuild step.</summary>
public sealed class Int8EnsembleTests
{
    [Fact]
    public async Task TbScreen_Ensemble_selects_the_int8_ensemble_and_its_results_carry_its_version_and_heatmap()
    {
        using var host = new TbScreenApiFactory(Path.Combine(Path.GetTempPath(), "tbscreen-web-tests", Guid.NewGuid().ToString("N")),
            settings: new Dictionary<string, string?> { ["TbScreen:Ensemble"] = "ensemble-int8.json" });
        using var client = await host.ClientAsAsync(Roles.Clinician);

        var result = await (await client.PostAsync("/api/screenings", Upload(TestRadiographs.Phantom(TestRadiographs.NewSeed()), "int8.dcm")))
            .JsonAsync(HttpStatusCode.Created);

        string version = result.GetProperty("modelVersion").GetString()!;
        Assert.Contains("alexnet-int8@", version, StringComparison.Ordinal);
        Assert.Contains("googlenet-int8@", version, StringComparison.Ordinal);
        Assert.Equal(224, result.GetProperty("heatmap").GetProperty("width").GetInt32()); // the CAM output survived quantisation
        Assert.InRange(result.GetProperty("scores").GetProperty("ensemble").GetDouble(), 0, 1);
    }

    [Fact]
    public async Task The_models_page_warns_about_full_range_int8_bundles_only_on_a_cpu_without_vnni()
    {
        using var host = new TbScreenApiFactory(Path.Combine(Path.GetTempPath(), "tbscreen-web-tests", Guid.NewGuid().ToString("N")));
        using var client = await host.ClientAsAsync(Roles.Clinician);

        string html = await client.GetStringAsync("/models");

        // The shipped INT8 bundles are full-range U8S8 (measured on a VNNI host); the float32 ones never warn.
        bool expected = TbScreen.Inference.Runtime.Int8Kernels.IsX64 && !TbScreen.Inference.Runtime.Int8Kernels.HasVnni;
        Assert.Equal(expected, ReportTests.Section(html, "alexnet-int8").Contains("data-int8-warning", StringComparison.Ordinal));
        Assert.DoesNotContain("data-int8-warning", ReportTests.Section(html, "alexnet"), StringComparison.Ordinal);
        if (expected) Assert.Contains("--reduce-range", ReportTests.Section(html, "googlenet-int8"), StringComparison.Ordinal);
        // The shipped default averages no test-time views (only ensemble-3.json does), so the page claims none.
        Assert.DoesNotContain("data-test-time-views", html, StringComparison.Ordinal);
    }
}

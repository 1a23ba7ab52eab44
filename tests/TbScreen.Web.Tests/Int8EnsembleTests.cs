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
}

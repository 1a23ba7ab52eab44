using System.Net;
using System.Text.Json;
using TbScreen.Screening;
using TbScreen.Web.Identity;
using TbScreen.Web.Tests.Infrastructure;
using static TbScreen.Web.Tests.Infrastructure.HttpAssertions;

namespace TbScreen.Web.Tests;

[Collection(ApiCollection.Name)]
public sealed class ScreeningEndpointTests(TbScreenApiFactory factory)
{
    [Fact]
    public async Task Upload_of_a_phantom_dicom_returns_201_with_the_result_and_its_location()
    {
        using var client = await factory.ClientAsAsync(Roles.Clinician);
        var response = await client.PostAsync("/api/screenings", Upload(TestRadiographs.Phantom(TestRadiographs.NewSeed()), "chest.dcm"));
        var result = await response.JsonAsync(HttpStatusCode.Created);

        string id = result.GetProperty("id").ToString();
        Assert.Equal($"/api/screenings/{id}", response.Headers.Location?.OriginalString);
        Assert.Equal("ok", result.GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.Null, result.GetProperty("error").ValueKind);
        Assert.StartsWith("1.2.826.0.1.3680043.10.1386.", result.GetProperty("sopInstanceUid").GetString());
        Assert.Contains(result.GetProperty("decision").GetString(), new[] { "tb", "not-tb" });
        Assert.False(string.IsNullOrEmpty(result.GetProperty("flag").GetString()));
        Assert.Contains("alexnet@", result.GetProperty("modelVersion").GetString());
        double ensemble = result.GetProperty("scores").GetProperty("ensemble").GetDouble();
        Assert.InRange(ensemble, 0, 1);
        Assert.InRange(result.GetProperty("scores").GetProperty("members").GetProperty("alexnet").GetDouble(), 0, 1);
        Assert.True(result.GetProperty("timings").GetProperty("totalMs").GetDouble() > 0);
        Assert.Equal("F", result.GetProperty("metadata").GetProperty("sex").GetString());
        Assert.Equal("CR", result.GetProperty("metadata").GetProperty("modality").GetString());
        Assert.Contains("Research use only", result.GetProperty("notice").GetString());
        // The heatmap is linked, not inlined: a 224x224 float map would triple the response.
        Assert.Equal($"/api/screenings/{id}/heatmap", result.GetProperty("heatmap").GetProperty("href").GetString());
    }

    /// <summary>The API's scores, call and heatmap are exactly those of the screener run in-process on the same bytes.</summary>
    [Fact]
    public async Task Upload_scores_equal_an_in_process_run_of_the_screener_on_the_same_bytes()
    {
        byte[] file = TestRadiographs.Phantom(TestRadiographs.NewSeed());
        using var client = await factory.ClientAsAsync(Roles.Clinician);
        var result = await (await client.PostAsync("/api/screenings", Upload(file, "chest.dcm"))).JsonAsync(HttpStatusCode.Created);
        var heatmap = await (await client.GetAsync($"/api/screenings/{result.GetProperty("id")}/heatmap")).JsonAsync(HttpStatusCode.OK);

        using var pipeline = ScreeningPipeline.Load(factory.Models);
        var expected = pipeline.Screen(file, "chest.dcm");

        Assert.Equal(ScreeningStatus.Ok, expected.Status);
        var scores = result.GetProperty("scores");
        Assert.Equal(expected.EnsembleProbability, scores.GetProperty("ensemble").GetDouble());
        var members = scores.GetProperty("members").EnumerateObject().ToDictionary(m => m.Name, m => m.Value.GetDouble());
        Assert.Equal(expected.MemberProbabilities!.OrderBy(m => m.Key), members.OrderBy(m => m.Key));
        Assert.Equal((expected.Decision, expected.Flag, expected.ModelVersion), (result.GetProperty("decision").GetString(), result.GetProperty("flag").GetString(), result.GetProperty("modelVersion").GetString()));
        Assert.Equal((expected.Heatmap!.Width, expected.Heatmap.Height), (heatmap.GetProperty("width").GetInt32(), heatmap.GetProperty("height").GetInt32()));
        byte[] values = Convert.FromBase64String(heatmap.GetProperty("values").GetString()!);
        Assert.Equal(expected.Heatmap.Values.SelectMany(v => BitConverter.GetBytes(v)), values); // float32 little endian
    }

    [Fact]
    public async Task Get_by_id_returns_the_stored_result_and_its_heatmap()
    {
        using var client = await factory.ClientAsAsync(Roles.Clinician);
        var created = await (await client.PostAsync("/api/screenings", Upload(TestRadiographs.Phantom(TestRadiographs.NewSeed()))))
            .JsonAsync(HttpStatusCode.Created);
        string id = created.GetProperty("id").ToString();

        var stored = await (await client.GetAsync($"/api/screenings/{id}")).JsonAsync(HttpStatusCode.OK);
        Assert.Equal(id, stored.GetProperty("id").ToString());
        Assert.Equal(created.GetProperty("sopInstanceUid").GetString(), stored.GetProperty("sopInstanceUid").GetString());
        Assert.Equal(created.GetProperty("scores").GetProperty("ensemble").GetDouble(), stored.GetProperty("scores").GetProperty("ensemble").GetDouble(), 6);
        Assert.Contains("Research use only", stored.GetProperty("notice").GetString());

        var heatmap = await (await client.GetAsync($"/api/screenings/{id}/heatmap")).JsonAsync(HttpStatusCode.OK);
        int width = heatmap.GetProperty("width").GetInt32(), height = heatmap.GetProperty("height").GetInt32();
        byte[] values = Convert.FromBase64String(heatmap.GetProperty("values").GetString()!);
        Assert.Equal(width * height * sizeof(float), values.Length);
    }

    [Fact]
    public async Task Uploading_the_same_file_twice_returns_the_same_result()
    {
        using var client = await factory.ClientAsAsync(Roles.Clinician);
        byte[] file = TestRadiographs.Phantom(TestRadiographs.NewSeed());
        var first = await (await client.PostAsync("/api/screenings", Upload(file))).JsonAsync(HttpStatusCode.Created);
        var second = await (await client.PostAsync("/api/screenings", Upload(file))).JsonAsync(HttpStatusCode.Created);

        Assert.Equal(first.GetProperty("id").ToString(), second.GetProperty("id").ToString());
        Assert.True(second.GetProperty("fromStore").GetBoolean());
    }

    [Fact]
    public async Task Concurrent_uploads_of_the_same_file_store_one_result()
    {
        byte[] file = TestRadiographs.Phantom(TestRadiographs.NewSeed());
        var uploads = Enumerable.Range(0, 4).Select(async _ =>
        {
            using var client = await factory.ClientAsAsync(Roles.Clinician);
            return await (await client.PostAsync("/api/screenings", Upload(file))).JsonAsync(HttpStatusCode.Created);
        });
        var results = await Task.WhenAll(uploads);

        Assert.Single(results.Select(r => r.GetProperty("id").ToString()).Distinct());
        string uid = results[0].GetProperty("sopInstanceUid").GetString()!;
        Assert.Equal(1, await factory.CountStoredResultsAsync(uid));
    }

    [Fact]
    public async Task A_corrupt_dicom_is_400_problem_details_with_the_status_code_and_file_name()
    {
        using var client = await factory.ClientAsAsync(Roles.Clinician);
        var response = await client.PostAsync("/api/screenings", Upload(TestRadiographs.CorruptDicom(), "broken.dcm"));
        var problem = await response.ProblemAsync(HttpStatusCode.BadRequest);

        Assert.Equal("invalid-dicom", problem.GetProperty("screeningStatus").GetString());
        Assert.EndsWith("invalid-dicom", problem.GetProperty("type").GetString());
        Assert.Equal("broken.dcm", problem.GetProperty("fileName").GetString());
        Assert.False(string.IsNullOrEmpty(problem.GetProperty("detail").GetString()));
    }

    [Fact]
    public async Task An_upload_over_the_limit_is_413_problem_details()
    {
        using var client = await factory.ClientAsAsync(Roles.Clinician);
        var response = await client.PostAsync("/api/screenings", Upload(new byte[TbScreenApiFactory.UploadLimitBytes + 1]));
        await response.ProblemAsync(HttpStatusCode.RequestEntityTooLarge);
    }

    [Fact]
    public async Task A_form_without_a_file_field_is_400_problem_details()
    {
        using var client = await factory.ClientAsAsync(Roles.Clinician);
        var response = await client.PostAsync("/api/screenings", Upload(TestRadiographs.Phantom(1), field: "image"));
        await response.ProblemAsync(HttpStatusCode.BadRequest);
    }

    [Theory]
    [InlineData("/api/screenings/999999999")]
    [InlineData("/api/screenings/999999999/heatmap")]
    public async Task An_unknown_result_is_404_problem_details(string path)
    {
        using var client = await factory.ClientAsAsync(Roles.Clinician);
        await (await client.GetAsync(path)).ProblemAsync(HttpStatusCode.NotFound);
    }
}

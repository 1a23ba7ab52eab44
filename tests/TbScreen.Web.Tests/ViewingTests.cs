using TbScreen.Screening.Display;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using TbScreen.Imaging;
using Microsoft.EntityFrameworkCore;
using TbScreen.Screening.Persistence;
using TbScreen.Screening.Storage;
using TbScreen.Web.Identity;
using TbScreen.Web.Tests.Infrastructure;
using static TbScreen.Web.Tests.Infrastructure.HttpAssertions;

namespace TbScreen.Web.Tests;

/// <summary>GET /api/screenings/{id}/image renders the stored file at a window; values checked by hand.</summary>
[Collection(ApiCollection.Name)]
public sealed class ViewingTests(TbScreenApiFactory factory)
{
    [Fact]
    public async Task The_image_endpoint_applies_the_linear_window_to_the_stored_pixels()
    {
        using var client = await factory.ClientAsAsync(Roles.Clinician);
        string id = await UploadGradientAsync(client);

        // Window centre 128, width 64: 0 at or below 127.5 - 31.5 = 96, 255 above 127.5 + 31.5 = 159, between
        // round(((x - 127.5) / 63 + 0.5) * 255).
        var (pixels, response) = await GetPixelsAsync(client, $"/api/screenings/{id}/image?center=128&width=64");
        Assert.Equal("128", response.Headers.GetValues("X-Window-Center").Single());
        Assert.Equal(0, pixels[0]);
        Assert.Equal(0, pixels[96]);
        Assert.Equal(4, pixels[97]);    // (97 - 127.5) / 63 + 0.5 = 0.01587 → 4.05
        Assert.Equal(16, pixels[100]);  // (100 - 127.5) / 63 + 0.5 = 0.06349 → 16.19
        Assert.Equal(130, pixels[128]); // (128 - 127.5) / 63 + 0.5 = 0.50794 → 129.52
        Assert.Equal(255, pixels[159]); // exactly the top of the ramp: (159 - 127.5) / 63 + 0.5 = 1
        Assert.Equal(255, pixels[200]);
    }

    [Fact]
    public async Task Without_a_window_an_8_bit_png_without_voi_maps_min_to_0_and_max_to_255()
    {
        using var client = await factory.ClientAsAsync(Roles.Clinician);
        string id = await UploadGradientAsync(client);
        var (pixels, response) = await GetPixelsAsync(client, $"/api/screenings/{id}/image");

        // The gradient spans 0..255, so the min..max window is the identity.
        Assert.Equal("256", response.Headers.GetValues("X-Window-Width").Single());
        Assert.Equal(Enumerable.Range(0, 256).Select(v => (byte)v), pixels.Take(256));
    }

    [Theory]
    [InlineData("?center=100")]
    [InlineData("?center=100&width=0")]
    [InlineData("?maxSize=4")]
    public async Task A_bad_window_is_400_problem_details(string query)
    {
        using var client = await factory.ClientAsAsync(Roles.Clinician);
        string id = await UploadGradientAsync(client);
        await (await client.GetAsync($"/api/screenings/{id}/image{query}")).ProblemAsync(HttpStatusCode.BadRequest);
    }

    [Theory]
    [InlineData("")]
    [InlineData("?maxSize=64")]
    public async Task The_heatmap_png_is_the_size_of_the_image_at_the_same_max_size(string query)
    {
        // Regression: the PNG used to be the model's 224 x 224 square, stretched over the 112 x 128 radiograph.
        using var client = await factory.ClientAsAsync(Roles.Clinician);
        var created = await (await client.PostAsync("/api/screenings", Upload(TestRadiographs.Phantom(TestRadiographs.NewSeed()))))
            .JsonAsync(HttpStatusCode.Created);
        string id = created.GetProperty("id").ToString();

        var response = await client.GetAsync($"/api/screenings/{id}/heatmap.png{query}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("image/png", response.Content.Headers.ContentType?.MediaType);
        Assert.True(response.Headers.CacheControl?.NoStore);
        using var heatmap = Image.Load<Rgba32>(await response.Content.ReadAsByteArrayAsync());
        using var radiograph = Image.Load<L8>(await (await client.GetAsync($"/api/screenings/{id}/image{query}")).Content.ReadAsByteArrayAsync());
        Assert.Equal((radiograph.Width, radiograph.Height), (heatmap.Width, heatmap.Height));
        Assert.Equal(query == "" ? (112, 128) : (56, 64), (heatmap.Width, heatmap.Height));
        Assert.Equal(0, Viewing.HeatmapPng.Colour(0f).A);
        Assert.Equal(217, Viewing.HeatmapPng.Colour(1f).A); // 0.85 * 255 = 216.75
    }

    [Fact]
    public async Task The_heatmap_png_refuses_a_bad_max_size()
    {
        using var client = await factory.ClientAsAsync(Roles.Clinician);
        var created = await (await client.PostAsync("/api/screenings", Upload(TestRadiographs.Phantom(TestRadiographs.NewSeed()))))
            .JsonAsync(HttpStatusCode.Created);
        await (await client.GetAsync($"/api/screenings/{created.GetProperty("id")}/heatmap.png?maxSize=4")).ProblemAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Without_the_stored_image_the_heatmap_png_is_a_404_saying_why()
    {
        using var client = await factory.ClientAsAsync(Roles.Clinician);
        byte[] file = TestRadiographs.Phantom(TestRadiographs.NewSeed());
        var created = await (await client.PostAsync("/api/screenings", Upload(file))).JsonAsync(HttpStatusCode.Created);
        var content = factory.Services.GetRequiredService<ContentStore>();
        File.Delete(content.PathFor(ContentStore.Sha256Of(file)));

        var problem = await (await client.GetAsync($"/api/screenings/{created.GetProperty("id")}/heatmap.png")).ProblemAsync(HttpStatusCode.NotFound);
        Assert.Contains("cannot be aligned", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Uploads_are_sealed_at_rest_and_a_purged_image_says_so_while_its_result_stays()
    {
        using var client = await factory.ClientAsAsync(Roles.Clinician);
        byte[] file = TestRadiographs.Phantom(TestRadiographs.NewSeed());
        var created = await (await client.PostAsync("/api/screenings", Upload(file))).JsonAsync(HttpStatusCode.Created);
        string id = created.GetProperty("id").ToString();
        var content = factory.Services.GetRequiredService<ContentStore>();
        byte[] disk = File.ReadAllBytes(content.PathFor(ContentStore.Sha256Of(file)));
        Assert.Equal("TBSE"u8.ToArray(), disk[..4]); // encrypted by default
        Assert.NotEqual(file, disk);
        (await client.GetAsync($"/api/screenings/{id}/image")).EnsureSuccessStatusCode();

        // This image (only: the host is shared) is made 31 days old, then the purge runs.
        string sha = ContentStore.Sha256Of(file);
        await using (var ctx = factory.Services.GetRequiredService<ScreeningDbContextFactory>().CreateDbContext())
        {
            await ctx.Images.Where(i => i.ContentSha256 == sha).ExecuteUpdateAsync(u => u.SetProperty(i => i.CreatedAt, DateTime.UtcNow.AddDays(-31)));
        }

        await factory.Services.GetRequiredService<RetentionPurger>().PurgeAsync(30, DateTime.UtcNow);

        Assert.False(content.Contains(ContentStore.Sha256Of(file)));
        var gone = await (await client.GetAsync($"/api/screenings/{id}/image")).ProblemAsync(HttpStatusCode.Gone);
        Assert.Contains("retention policy", gone.GetProperty("detail").GetString());
        (await client.GetAsync($"/api/screenings/{id}")).EnsureSuccessStatusCode(); // the result itself stays
    }

    /// <summary>A 256 x 16 8-bit grey PNG whose column x has value x (made by our own PNG writer).</summary>
    private static async Task<string> UploadGradientAsync(HttpClient client)
    {
        const int width = 256, height = 16;
        var pixels = new byte[width * height];
        for (int i = 0; i < pixels.Length; i++)
        {
            pixels[i] = (byte)(i % width);
        }

        // A distinct last row per upload: the store dedupes identical content.
        var salt = Guid.NewGuid().ToByteArray();
        Array.Copy(salt, 0, pixels, width * (height - 1), salt.Length);
        var created = await (await client.PostAsync("/api/screenings", Upload(GrayPngWriter.Encode(pixels, width, height), "gradient.png")))
            .JsonAsync(HttpStatusCode.Created);
        return created.GetProperty("id").ToString();
    }

    /// <summary>The first row of the rendered PNG.</summary>
    private static async Task<(byte[] Row, HttpResponseMessage Response)> GetPixelsAsync(HttpClient client, string url)
    {
        var response = await client.GetAsync(url);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("image/png", response.Content.Headers.ContentType?.MediaType);
        using var image = Image.Load<L8>(await response.Content.ReadAsByteArrayAsync());
        var row = new byte[image.Width];
        for (int x = 0; x < image.Width; x++)
        {
            row[x] = image[x, 0].PackedValue;
        }

        return (row, response);
    }
}

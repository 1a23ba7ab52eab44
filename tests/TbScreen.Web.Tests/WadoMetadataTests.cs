using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.DependencyInjection;
using TbScreen.Dicom;
using TbScreen.Dicom.Tests.Json;
using TbScreen.Screening.Persistence;
using TbScreen.Web.Api;
using TbScreen.Web.Identity;
using TbScreen.Web.Tests.Infrastructure;

namespace TbScreen.Web.Tests;

/// <summary>
/// WADO-RS metadata, frames and bulk data (PS3.18 10.4) for the result objects, as a web viewer reads them: the
/// metadata is what dcm2json makes of the retrieved object, except that Pixel Data is a link whose bytes are
/// dcm2json's; frames come back uncompressed; bad frame lists are 400, missing frames 404, compressed asks 406.
/// </summary>
public sealed class WadoMetadataTests
{
    [SkippableFact]
    public async Task Metadata_matches_dcm2json_and_its_links_and_frames_return_the_pixel_bytes()
    {
        Dcm2Json.Require();
        using var host = new TbScreenApiFactory();
        using var client = await host.ClientAsAsync(Roles.Radiologist);
        string study = await StoredStudyAsync(host, client);

        var metadata = await client.GetAsync($"/dicomweb/studies/{study}/metadata");
        Assert.Equal("application/dicom+json", metadata.Content.Headers.ContentType?.MediaType);
        var objects = JsonNode.Parse(await metadata.Content.ReadAsStringAsync())!.AsArray();
        Assert.Equal(2, objects.Count);
        var capture = objects.Single(o => o!["00080060"]!["Value"]![0]!.GetValue<string>() == "OT")!.AsObject();
        string series = capture["0020000E"]!["Value"]![0]!.GetValue<string>(), instance = capture["00080018"]!["Value"]![0]!.GetValue<string>();
        string instancePath = $"/dicomweb/studies/{study}/series/{series}/instances/{instance}";
        byte[] part10 = Assert.Single(await PartsAsync(await client.GetAsync(instancePath), "application/dicom"));

        // Every attribute as dcm2json reads the retrieved object; Pixel Data linked instead of inline.
        var reference = Dcm2Json.Convert(part10);
        string pixelsInline = reference["7FE00010"]!["InlineBinary"]!.GetValue<string>();
        Assert.Equal($"http://localhost{instancePath}/bulk/7FE00010", capture["7FE00010"]!["BulkDataURI"]!.GetValue<string>());
        reference["7FE00010"] = new JsonObject { ["vr"] = reference["7FE00010"]!["vr"]!.GetValue<string>(), ["BulkDataURI"] = capture["7FE00010"]!["BulkDataURI"]!.GetValue<string>() };
        Dcm2Json.AssertSameTree(reference, capture, "capture");

        byte[] bulk = Assert.Single(await PartsAsync(await client.GetAsync($"{instancePath}/bulk/7FE00010"), "application/octet-stream"));
        Assert.Equal(pixelsInline, Convert.ToBase64String(bulk));
        var dataset = new DicomReader().Parse(part10, "capture.dcm").Dataset;
        int frameBytes = dataset.GetInt(DicomTag.Rows)!.Value * dataset.GetInt(DicomTag.Columns)!.Value * dataset.GetInt(DicomTag.SamplesPerPixel)!.Value * dataset.GetInt(DicomTag.BitsAllocated)!.Value / 8;
        byte[] frame = Assert.Single(await PartsAsync(await client.GetAsync($"{instancePath}/frames/1"), "application/octet-stream"));
        Assert.Equal(Convert.FromBase64String(pixelsInline).AsSpan(0, frameBytes).ToArray(), frame);

        // The same object alone, and by its series.
        var single = JsonNode.Parse(await client.GetStringAsync($"{instancePath}/metadata"))!.AsArray();
        Assert.Equal(capture.ToJsonString(), Assert.Single(single)!.ToJsonString());
        Assert.Single(JsonNode.Parse(await client.GetStringAsync($"/dicomweb/studies/{study}/series/{series}/metadata"))!.AsArray());

        Assert.Equal(HttpStatusCode.BadRequest, (await client.GetAsync($"{instancePath}/frames/1,x")).StatusCode);
        var missingFrame = await client.GetAsync($"{instancePath}/frames/2");
        Assert.Equal(HttpStatusCode.NotFound, missingFrame.StatusCode);
        Assert.Contains("frame 2 does not exist: the object has 1", await missingFrame.Content.ReadAsStringAsync());
        using var jpeg = new HttpRequestMessage(HttpMethod.Get, $"{instancePath}/frames/1");
        jpeg.Headers.Accept.Add(MediaTypeWithQualityHeaderValue.Parse("multipart/related; type=\"image/jpeg\""));
        Assert.Equal(HttpStatusCode.NotAcceptable, (await client.SendAsync(jpeg)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"{instancePath}/bulk/00081140")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/dicomweb/studies/1.2.3/metadata")).StatusCode);

        var trail = await host.Services.GetRequiredService<IScreeningStore>().AuditTrailAsync(50);
        Assert.Contains(trail, e => e.Action == "dicomweb.wado" && e.Detail == $"metadata sc {instance}");
        Assert.Contains(trail, e => e.Action == "dicomweb.wado" && e.Detail == $"frames 1 sc {instance}");
        Assert.Contains(trail, e => e.Action == "dicomweb.wado" && e.Detail == $"bulk 7FE00010 sc {instance}");
    }

    /// <summary>
    /// Rendered resources (PS3.18 10.4.1.1.3): the capture as a PNG holding exactly its RGB pixels, bounded by a
    /// viewport, as JPEG when asked; an SR has nothing to render; a bad viewport is 400 and an unknown type 406.
    /// </summary>
    [Fact]
    public async Task A_capture_renders_as_its_own_pixels_and_an_SR_does_not()
    {
        using var host = new TbScreenApiFactory();
        using var client = await host.ClientAsAsync(Roles.Radiologist);
        string study = await StoredStudyAsync(host, client);
        var objects = JsonNode.Parse(await client.GetStringAsync($"/dicomweb/studies/{study}/metadata"))!.AsArray();
        string PathOf(string modality)
        {
            var o = objects.Single(x => x!["00080060"]!["Value"]![0]!.GetValue<string>() == modality)!;
            return $"/dicomweb/studies/{study}/series/{o["0020000E"]!["Value"]![0]}/instances/{o["00080018"]!["Value"]![0]}";
        }

        string capturePath = PathOf("OT");
        byte[] part10 = Assert.Single(await PartsAsync(await client.GetAsync(capturePath), "application/dicom"));
        var stored = TbScreen.Dicom.Pixels.PixelDataDecoder.Default.DecodeStoredFrame(new DicomReader().Parse(part10, "capture.dcm"));

        var png = await client.GetAsync($"{capturePath}/rendered");
        Assert.Equal("image/png", png.Content.Headers.ContentType?.MediaType);
        using (var rendered = SixLabors.ImageSharp.Image.Load<SixLabors.ImageSharp.PixelFormats.Rgb24>(await png.Content.ReadAsByteArrayAsync()))
        {
            Assert.Equal((stored.Pixels.Columns, stored.Pixels.Rows), (rendered.Width, rendered.Height));
            Assert.Equal(3, stored.Pixels.SamplesPerPixel);
            for (int y = 0; y < rendered.Height; y += 7)
            {
                for (int x = 0; x < rendered.Width; x += 5)
                {
                    int at = 3 * ((y * rendered.Width) + x);
                    Assert.Equal((stored.Values[at], stored.Values[at + 1], stored.Values[at + 2]), (rendered[x, y].R, rendered[x, y].G, rendered[x, y].B));
                }
            }
        }

        using (var small = SixLabors.ImageSharp.Image.Load(await client.GetByteArrayAsync($"{capturePath}/frames/1/rendered?viewport=64,64")))
        {
            Assert.Equal(64, Math.Max(small.Width, small.Height));
            Assert.Equal((double)stored.Pixels.Columns / stored.Pixels.Rows, (double)small.Width / small.Height, 1);
        }

        using var jpeg = new HttpRequestMessage(HttpMethod.Get, $"{capturePath}/rendered");
        jpeg.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("image/jpeg"));
        var jpegResponse = await client.SendAsync(jpeg);
        Assert.Equal("image/jpeg", jpegResponse.Content.Headers.ContentType?.MediaType);
        Assert.Equal([0xFF, 0xD8], (await jpegResponse.Content.ReadAsByteArrayAsync())[..2]);
        using var gif = new HttpRequestMessage(HttpMethod.Get, $"{capturePath}/rendered");
        gif.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("image/gif"));
        Assert.Equal(HttpStatusCode.NotAcceptable, (await client.SendAsync(gif)).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await client.GetAsync($"{capturePath}/rendered?viewport=big")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"{capturePath}/frames/2/rendered")).StatusCode);
        var report = await client.GetAsync($"{PathOf("SR")}/rendered");
        Assert.Equal(HttpStatusCode.NotFound, report.StatusCode);
        Assert.Contains("structured report", await report.Content.ReadAsStringAsync());

        var trail = await host.Services.GetRequiredService<IScreeningStore>().AuditTrailAsync(50);
        Assert.Contains(trail, e => e.Action == "dicomweb.wado" && e.Detail!.StartsWith("rendered 1 sc ", StringComparison.Ordinal));
    }

    /// <summary>
    /// Thumbnails (Supplement 203): the study's and series' representative image is the heatmap capture, rendered exactly
    /// as /rendered renders it at the same bound (128 x 128 by default); a report series has none (404 naming why).
    /// </summary>
    [Fact]
    public async Task A_thumbnail_is_the_capture_rendered_small_and_a_report_has_none()
    {
        using var host = new TbScreenApiFactory();
        using var client = await host.ClientAsAsync(Roles.Radiologist);
        string study = await StoredStudyAsync(host, client);
        var objects = JsonNode.Parse(await client.GetStringAsync($"/dicomweb/studies/{study}/metadata"))!.AsArray();
        string SeriesOf(string modality) => objects.Single(x => x!["00080060"]!["Value"]![0]!.GetValue<string>() == modality)!["0020000E"]!["Value"]![0]!.GetValue<string>();
        string InstanceOf(string modality) => objects.Single(x => x!["00080060"]!["Value"]![0]!.GetValue<string>() == modality)!["00080018"]!["Value"]![0]!.GetValue<string>();
        string capture = $"/dicomweb/studies/{study}/series/{SeriesOf("OT")}/instances/{InstanceOf("OT")}";
        byte[] expected = await client.GetByteArrayAsync($"{capture}/rendered?viewport=128,128");

        var studyThumbnail = await client.GetAsync($"/dicomweb/studies/{study}/thumbnail");

        Assert.Equal("image/png", studyThumbnail.Content.Headers.ContentType?.MediaType);
        Assert.Equal(expected, await studyThumbnail.Content.ReadAsByteArrayAsync());
        using (var image = SixLabors.ImageSharp.Image.Load(expected))
        {
            Assert.Equal(DicomWebRenderedEndpoints.DefaultThumbnailSize, Math.Max(image.Width, image.Height));
        }

        Assert.Equal(expected, await client.GetByteArrayAsync($"/dicomweb/studies/{study}/series/{SeriesOf("OT")}/thumbnail"));
        Assert.Equal(expected, await client.GetByteArrayAsync($"{capture}/frames/1/thumbnail"));
        using (var small = SixLabors.ImageSharp.Image.Load(await client.GetByteArrayAsync($"{capture}/thumbnail?viewport=32,32")))
        {
            Assert.Equal(32, Math.Max(small.Width, small.Height));
        }

        var report = await client.GetAsync($"/dicomweb/studies/{study}/series/{SeriesOf("SR")}/thumbnail");
        Assert.Equal(HttpStatusCode.NotFound, report.StatusCode);
        Assert.Contains("reports, which have no image", await report.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"{capture}/frames/2/thumbnail")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/dicomweb/studies/1.2.3.4.5/thumbnail")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await client.GetAsync($"/dicomweb/studies/{study}/thumbnail?viewport=0,10")).StatusCode);
        var trail = await host.Services.GetRequiredService<IScreeningStore>().AuditTrailAsync(50);
        Assert.Contains(trail, e => e.Action == "dicomweb.wado" && e.Detail == $"thumbnail 1 sc {InstanceOf("OT")}");
    }

    /// <summary>Stores one radiograph by STOW-RS and waits for its SR and capture; returns its Study Instance UID.</summary>
    private static async Task<string> StoredStudyAsync(TbScreenApiFactory host, HttpClient client)
    {
        byte[] image = TestRadiographs.Phantom(TestRadiographs.NewSeed());
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsync("/dicomweb/studies", StowTests.Multipart(image))).StatusCode);
        await StowTests.WaitForResultObjectsAsync(host, 2);
        return new DicomReader().Parse(image, "x.dcm").Dataset.GetString(DicomTag.StudyInstanceUid)!;
    }

    private static async Task<List<byte[]>> PartsAsync(HttpResponseMessage response, string partType)
    {
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("multipart/related", response.Content.Headers.ContentType?.MediaType);
        var reader = new MultipartReader(response.Content.Headers.ContentType!.Parameters.Single(p => p.Name == "boundary").Value!, await response.Content.ReadAsStreamAsync());
        var parts = new List<byte[]>();
        while (await reader.ReadNextSectionAsync() is { } section)
        {
            Assert.Equal(partType, section.ContentType);
            using var bytes = new MemoryStream();
            await section.Body.CopyToAsync(bytes);
            parts.Add(bytes.ToArray());
        }

        return parts;
    }
}

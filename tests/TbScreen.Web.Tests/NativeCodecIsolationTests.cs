using System.Net;
using Microsoft.Extensions.DependencyInjection;
using TbScreen.Dicom.Codecs.Native;
using TbScreen.Dicom.Pixels;
using TbScreen.Dicom.Samples;
using TbScreen.Dicom.Tests.Isolation;
using TbScreen.Dicom.Writing;
using TbScreen.Web.Identity;
using TbScreen.Web.Tests.Infrastructure;
using static TbScreen.Web.Tests.Infrastructure.HttpAssertions;

namespace TbScreen.Web.Tests;

/// <summary>The web host decodes JPEG 2000 and JPEG-LS in codec host processes: a codec crash fails one file, not the host.</summary>
[Collection(ApiCollection.Name)]
public sealed class NativeCodecIsolationTests(TbScreenApiFactory factory)
{
    [Fact]
    public async Task The_web_host_decodes_native_codecs_out_of_process_by_default()
    {
        Assert.True(factory.Services.GetRequiredService<PixelDataDecoder>().IsolatesNativeCodecs);
        using var client = await factory.ClientAsAsync(Roles.Clinician);

        var result = await (await client.PostAsync("/api/screenings", Upload(Jpeg2000(TestRadiographs.NewSeed()), "chest.dcm"))).JsonAsync(HttpStatusCode.Created);

        Assert.Equal("ok", result.GetProperty("status").GetString());
    }

    [Fact]
    public async Task A_crashing_codec_fails_its_job_item_with_the_reason_and_the_host_serves_on()
    {
        string root = Path.Combine(Path.GetTempPath(), "tbscreen-web-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(root);
        using var host = new TbScreenApiFactory(root, settings: new Dictionary<string, string?> { ["Screening:CodecHostPath"] = FakeCodecHosts.Crashing(root) });
        using var client = await host.ClientAsAsync(Roles.Clinician);
        using var form = new MultipartFormDataContent
        {
            { new ByteArrayContent(Jpeg2000(TestRadiographs.NewSeed())), "files", "first.dcm" },
            { new ByteArrayContent(TestRadiographs.Phantom(TestRadiographs.NewSeed())), "files", "second.dcm" },
        };
        var accepted = await (await client.PostAsync("/api/jobs/uploads", form)).JsonAsync(HttpStatusCode.Accepted);
        string id = accepted.GetProperty("id").ToString();

        var job = await JobEndpointTests.PollUntilFinishedAsync(client, id, TimeSpan.FromSeconds(60));
        var items = await (await client.GetAsync($"/api/jobs/{id}/results?status=failed")).JsonAsync(HttpStatusCode.OK);

        Assert.Equal("completed", job.GetProperty("state").GetString());
        Assert.Equal(1, job.GetProperty("counts").GetProperty("succeeded").GetInt32());
        Assert.Equal(1, job.GetProperty("counts").GetProperty("failedByCode").GetProperty("processing-failed").GetInt32());
        var item = Assert.Single(items.EnumerateArray());
        Assert.Equal("processing-failed", item.GetProperty("status").GetString());
        Assert.EndsWith("the JPEG 2000 decoder crashed (signal 11)", item.GetProperty("error").GetString());
        // The host is still serving: an uncompressed upload screens.
        var next = await (await client.PostAsync("/api/screenings", Upload(TestRadiographs.Phantom(TestRadiographs.NewSeed()), "next.dcm"))).JsonAsync(HttpStatusCode.Created);
        Assert.Equal("ok", next.GetProperty("status").GetString());
    }

    private static byte[] Jpeg2000(int seed)
    {
        var encoder = new OpenJpegEncoder(lossless: true);
        var dataset = SampleDatasets.Create(new SampleSpec(Rows: 128, Columns: 112, Seed: seed)).Dataset;
        return DicomWriter.Write(dataset, encoder.TransferSyntaxUid, new DicomWriterOptions { Encoder = encoder });
    }
}

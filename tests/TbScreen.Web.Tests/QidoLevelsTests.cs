using System.Net;
using System.Text.Json;
using TbScreen.Dicom;
using TbScreen.Web.Identity;
using TbScreen.Web.Tests.Infrastructure;

namespace TbScreen.Web.Tests;

/// <summary>
/// QIDO-RS series and instance searches (PS3.18 10.6.1): under a study or series and across all, filtered by the
/// keys of their level and the levels above, paged, 400 for a malformed value, each answer carrying its Retrieve URL.
/// </summary>
public sealed class QidoLevelsTests
{
    [Fact]
    public async Task Series_and_instances_are_searched_by_their_keys_under_a_parent_or_across_all()
    {
        using var host = new TbScreenApiFactory();
        using var client = await host.ClientAsAsync(Roles.Radiologist);
        var studies = new List<string>();
        foreach (string patient in new[] { "LEVELS-1", "LEVELS-2" })
        {
            var dataset = TbScreen.Dicom.Samples.SampleDatasets.Create(new TbScreen.Dicom.Samples.SampleSpec(Rows: 128, Columns: 112, Seed: TestRadiographs.NewSeed())).Dataset;
            TbScreen.Dicom.Writing.DicomDatasetExtensions.AddString(dataset, DicomTag.PatientId, "LO", patient);
            studies.Add(dataset.GetString(DicomTag.StudyInstanceUid)!);
            byte[] bytes = TbScreen.Dicom.Writing.DicomWriter.Write(dataset, TransferSyntax.ExplicitVrLittleEndianUid);
            Assert.Equal(HttpStatusCode.OK, (await client.PostAsync("/dicomweb/studies", StowTests.Multipart(bytes))).StatusCode);
        }

        await StowTests.WaitForResultObjectsAsync(host, 4);

        async Task<JsonElement[]> Search(string path)
        {
            var response = await client.GetAsync("/dicomweb/" + path);
            if (response.StatusCode == HttpStatusCode.NoContent)
            {
                return [];
            }

            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.EnumerateArray().ToArray();
        }

        static string Text(JsonElement item, string tag) => item.GetProperty(tag).GetProperty("Value")[0].GetString()!;

        var reports = await Search("series?Modality=SR");
        Assert.Equal(2, reports.Length);
        Assert.All(reports, s => Assert.Equal("SR", Text(s, "00080060")));
        Assert.Equal(studies.Order(StringComparer.Ordinal), reports.Select(s => Text(s, "0020000D")).Order(StringComparer.Ordinal));
        var capture = Assert.Single(await Search($"studies/{studies[0]}/series?Modality=OT"));
        string captureSeries = Text(capture, "0020000E");
        Assert.Equal($"http://localhost/dicomweb/studies/{studies[0]}/series/{captureSeries}", Text(capture, "00081190"));
        Assert.Empty(await Search($"studies/{studies[0]}/series?Modality=CT"));
        Assert.Single(await Search("series?PatientID=LEVELS-2&Modality=OT")); // study keys narrow a series search

        var srInstances = await Search("instances?SOPClassUID=1.2.840.10008.5.1.4.1.1.88.33");
        Assert.Equal(2, srInstances.Length);
        Assert.Equal(2, (await Search($"studies/{studies[1]}/instances")).Length);
        var captured = Assert.Single(await Search($"studies/{studies[0]}/series/{captureSeries}/instances"));
        string instance = Text(captured, "00080018");
        Assert.Equal($"http://localhost/dicomweb/studies/{studies[0]}/series/{captureSeries}/instances/{instance}", Text(captured, "00081190"));
        Assert.Single(await Search($"instances?PatientID=LEVELS-*&limit=1&offset=3"));
        Assert.Empty(await Search($"instances?PatientID=LEVELS-*&offset=4"));

        var bad = await client.GetAsync("/dicomweb/series?SeriesNumber=two");
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("SeriesNumber: 'two' is not a whole number", await bad.Content.ReadAsStringAsync());
        var studyLevel = await client.GetAsync("/dicomweb/studies?Modality=SR");
        Assert.Contains("Modality", studyLevel.Headers.Warning.ToString());
    }
}

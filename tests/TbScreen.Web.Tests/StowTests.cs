using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using TbScreen.Screening.Persistence;
using TbScreen.Web.Identity;
using TbScreen.Web.Tests.Infrastructure;

namespace TbScreen.Web.Tests;

/// <summary>
/// STOW-RS (PS3.18 10.5): instances are stored as C-STORE stores them and then screened; the DICOM JSON answer lists
/// what was stored and what failed with its reason; 200, 202 and 409 as the standard says; other media types 415.
/// </summary>
public sealed class StowTests
{
    [Fact]
    public async Task Stored_instances_are_referenced_failures_carry_their_reason_and_the_images_get_screened()
    {
        using var host = new TbScreenApiFactory();
        using var client = await host.ClientAsAsync(Roles.Radiologist);
        byte[] first = TestRadiographs.Phantom(TestRadiographs.NewSeed()), second = TestRadiographs.Phantom(TestRadiographs.NewSeed());

        var announced = new System.Collections.Concurrent.ConcurrentBag<long>();
        host.Services.GetRequiredService<TbScreen.Web.Pacs.ReceivedResults>().Screened += announced.Add;

        var response = await client.PostAsync("/dicomweb/studies", Multipart(first, second, "not DICOM at all"u8.ToArray()));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal("application/dicom+json", response.Content.Headers.ContentType?.MediaType);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var stored = body.RootElement.GetProperty("00081199").GetProperty("Value");
        Assert.Equal(2, stored.GetArrayLength());
        var failure = Assert.Single(body.RootElement.GetProperty("00081198").GetProperty("Value").EnumerateArray());
        Assert.Equal(0xC000, failure.GetProperty("00081197").GetProperty("Value")[0].GetInt32());

        // The images are screened in the background into the store the worklist reads.
        var store = host.Services.GetRequiredService<IScreeningStore>();
        var clock = Stopwatch.StartNew();
        while ((await store.RecentResultsAsync(10)).Count < 2)
        {
            Assert.True(clock.Elapsed < TimeSpan.FromMinutes(1), "the stored instances were not screened");
            await Task.Delay(100);
        }

        var uids = stored.EnumerateArray().Select(i => i.GetProperty("00081155").GetProperty("Value")[0].GetString()).ToHashSet();
        Assert.All(await store.RecentResultsAsync(10), r => Assert.Contains(r.Outcome.SopInstanceUid, uids));
        // Open worklist pages are told of each screened image (they reload as it arrives), once its objects are built.
        while (announced.Count < 2)
        {
            Assert.True(clock.Elapsed < TimeSpan.FromMinutes(1), "the screened images were not announced");
            await Task.Delay(50);
        }

        Assert.Equal((await store.RecentResultsAsync(10)).Select(r => r.ResultId).Order(), announced.Order());
    }

    [Fact]
    public async Task The_result_objects_of_stored_images_can_be_searched_and_retrieved()
    {
        using var host = new TbScreenApiFactory();
        using var client = await host.ClientAsAsync(Roles.Radiologist);
        byte[] image = TestRadiographs.Phantom(TestRadiographs.NewSeed());
        string study = new TbScreen.Dicom.DicomReader().Parse(image, "x.dcm").Dataset.GetString(TbScreen.Dicom.DicomTag.StudyInstanceUid)!;
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsync("/dicomweb/studies", Multipart(image))).StatusCode);

        // Without a PACS destination the SR and the capture are built and kept here.
        await WaitForResultObjectsAsync(host, 2);

        using var studies = JsonDocument.Parse(await client.GetStringAsync($"/dicomweb/studies?StudyInstanceUID={study}"));
        var found = Assert.Single(studies.RootElement.EnumerateArray());
        Assert.Equal(study, found.GetProperty("0020000D").GetProperty("Value")[0].GetString());
        Assert.Equal(["OT", "SR"], found.GetProperty("00080061").GetProperty("Value").EnumerateArray().Select(v => v.GetString()));
        Assert.Equal(2, found.GetProperty("00201208").GetProperty("Value")[0].GetInt32());
        Assert.Equal("Phantom^Synthetic", found.GetProperty("00100010").GetProperty("Value")[0].GetProperty("Alphabetic").GetString());

        using var series = JsonDocument.Parse(await client.GetStringAsync($"/dicomweb/studies/{study}/series"));
        var sr = series.RootElement.EnumerateArray().Single(s => s.GetProperty("00080060").GetProperty("Value")[0].GetString() == "SR");
        string seriesUid = sr.GetProperty("0020000E").GetProperty("Value")[0].GetString()!;
        using var instances = JsonDocument.Parse(await client.GetStringAsync($"/dicomweb/studies/{study}/series/{seriesUid}/instances"));
        string instance = Assert.Single(instances.RootElement.EnumerateArray()).GetProperty("00080018").GetProperty("Value")[0].GetString()!;

        var retrieved = await client.GetAsync($"/dicomweb/studies/{study}/series/{seriesUid}/instances/{instance}");
        Assert.Equal(HttpStatusCode.OK, retrieved.StatusCode);
        Assert.Equal("multipart/related", retrieved.Content.Headers.ContentType?.MediaType);
        var reader = new Microsoft.AspNetCore.WebUtilities.MultipartReader(
            retrieved.Content.Headers.ContentType!.Parameters.Single(p => p.Name == "boundary").Value!, await retrieved.Content.ReadAsStreamAsync());
        var part = (await reader.ReadNextSectionAsync())!;
        Assert.Equal("application/dicom", part.ContentType);
        using var bytes = new MemoryStream();
        await part.Body.CopyToAsync(bytes);
        var report = new TbScreen.Dicom.DicomReader().Parse(bytes.ToArray(), "sr.dcm").Dataset;
        Assert.Equal(("1.2.840.10008.5.1.4.1.1.88.33", instance), (report.GetString(TbScreen.Dicom.DicomTag.SopClassUid), report.GetString(TbScreen.Dicom.DicomTag.SopInstanceUid)));

        Assert.Equal(HttpStatusCode.NoContent, (await client.GetAsync("/dicomweb/studies?StudyInstanceUID=1.2.3")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/dicomweb/studies/{study}/series/{seriesUid}/instances/1.2.3")).StatusCode);
        var trail = await host.Services.GetRequiredService<IScreeningStore>().AuditTrailAsync(50);
        Assert.Contains(trail, e => e.Action == "dicomweb.wado" && e.Detail!.Contains(instance));
        Assert.Contains(trail, e => e.Action == "dicomweb.qido");
    }

    /// <summary>
    /// QIDO-RS study search by the keys a viewer or PACS sends (PS3.18 Table 10.6.1-5): patient, name with wildcards,
    /// date ranges, accession, UID lists and modalities, with limit and offset; a malformed value is 400 naming it, an
    /// unsupported key is ignored with a 299 warning, and the audit trail records the search without the patient's ID.
    /// </summary>
    [Fact]
    public async Task Studies_are_searched_by_patient_name_date_accession_and_modality()
    {
        using var host = new TbScreenApiFactory();
        using var client = await host.ClientAsAsync(Roles.Radiologist);
        var studies = new List<string>();
        foreach (var (patient, name, date, accession) in new[] { ("QIDO-1", "Roe^Anna", "20261101", "A-1"), ("QIDO-2", "Roe^Ben", "20261115", "A-2"), ("QIDO-3", "Poe^Carl", "20261201", "A-3") })
        {
            var dataset = TbScreen.Dicom.Samples.SampleDatasets.Create(new TbScreen.Dicom.Samples.SampleSpec(Rows: 128, Columns: 112, Seed: TestRadiographs.NewSeed())).Dataset;
            TbScreen.Dicom.Writing.DicomDatasetExtensions.AddString(dataset, TbScreen.Dicom.DicomTag.PatientId, "LO", patient);
            TbScreen.Dicom.Writing.DicomDatasetExtensions.AddString(dataset, TbScreen.Dicom.DicomTag.PatientName, "PN", name);
            TbScreen.Dicom.Writing.DicomDatasetExtensions.AddString(dataset, 0x00080020, "DA", date);
            TbScreen.Dicom.Writing.DicomDatasetExtensions.AddString(dataset, 0x00080050, "SH", accession);
            studies.Add(dataset.GetString(TbScreen.Dicom.DicomTag.StudyInstanceUid)!);
            byte[] bytes = TbScreen.Dicom.Writing.DicomWriter.Write(dataset, TbScreen.Dicom.TransferSyntax.ExplicitVrLittleEndianUid);
            Assert.Equal(HttpStatusCode.OK, (await client.PostAsync("/dicomweb/studies", Multipart(bytes))).StatusCode);
        }

        await WaitForResultObjectsAsync(host, 6);

        async Task<string[]> Patients(string query)
        {
            var response = await client.GetAsync("/dicomweb/studies?" + query);
            if (response.StatusCode == HttpStatusCode.NoContent)
            {
                return [];
            }

            using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            return json.RootElement.EnumerateArray().Select(s => s.GetProperty("00100020").GetProperty("Value")[0].GetString()!).Order(StringComparer.Ordinal).ToArray();
        }

        Assert.Equal(["QIDO-2"], await Patients("PatientID=QIDO-2"));
        Assert.Equal(["QIDO-1", "QIDO-2"], await Patients("PatientName=roe*"));
        Assert.Equal(["QIDO-2", "QIDO-3"], await Patients("StudyDate=20261110-20261231"));
        Assert.Equal(["QIDO-1"], await Patients("StudyDate=-20261101&ModalitiesInStudy=SR"));
        Assert.Equal(["QIDO-3"], await Patients("00080050=A-3"));
        Assert.Equal(["QIDO-1", "QIDO-3"], await Patients($"StudyInstanceUID={studies[0]},{studies[2]}"));
        Assert.Empty(await Patients("PatientName=Roe*&StudyDate=20261201"));
        Assert.Empty(await Patients("ModalitiesInStudy=CT"));
        Assert.Equal(2, (await Patients("PatientID=QIDO-*&limit=2")).Length);
        Assert.Single(await Patients("PatientID=QIDO-*&limit=2&offset=2"));

        var bad = await client.GetAsync("/dicomweb/studies?StudyDate=2026-11");
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("StudyDate: '2026-11' is not a date (YYYYMMDD) or a range of them", await bad.Content.ReadAsStringAsync());
        var unsupported = await client.GetAsync("/dicomweb/studies?PatientID=QIDO-1&PatientSex=F");
        Assert.Equal(HttpStatusCode.OK, unsupported.StatusCode);
        Assert.StartsWith("299 tbscreen \"The following query keys were not supported and were ignored: PatientSex\"", unsupported.Headers.GetValues("Warning").Single());

        var trail = await host.Services.GetRequiredService<IScreeningStore>().AuditTrailAsync(100);
        var searches = trail.Where(e => e.Action == "dicomweb.qido").ToList();
        Assert.Contains(searches, e => e.Target == "dicomweb/studies?PatientID=***");
        Assert.DoesNotContain(searches, e => (e.Target + e.Detail).Contains("QIDO-2", StringComparison.Ordinal) || (e.Target + e.Detail).Contains("roe", StringComparison.Ordinal));
    }

    [Fact]
    public async Task All_stored_is_200_none_stored_is_409_and_other_media_types_are_415()
    {
        using var host = new TbScreenApiFactory();
        using var client = await host.ClientAsAsync(Roles.Radiologist);

        Assert.Equal(HttpStatusCode.OK, (await client.PostAsync("/dicomweb/studies", Multipart(TestRadiographs.Phantom(TestRadiographs.NewSeed())))).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await client.PostAsync("/dicomweb/studies", Multipart("junk"u8.ToArray()))).StatusCode);
        var wrongStudy = await client.PostAsync("/dicomweb/studies/1.2.3.4", Multipart(TestRadiographs.Phantom(TestRadiographs.NewSeed())));
        Assert.Equal(HttpStatusCode.Conflict, wrongStudy.StatusCode);
        using var reason = JsonDocument.Parse(await wrongStudy.Content.ReadAsStringAsync());
        Assert.Equal(0xA900, reason.RootElement.GetProperty("00081198").GetProperty("Value")[0].GetProperty("00081197").GetProperty("Value")[0].GetInt32());
        var json = await client.PostAsync("/dicomweb/studies", new StringContent("{}", System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, json.StatusCode);
    }

    [Fact]
    public async Task Only_screening_roles_may_store_and_anonymous_callers_get_401()
    {
        using var host = new TbScreenApiFactory();
        using var auditor = await host.ClientAsAsync(Roles.Auditor);
        Assert.Equal(HttpStatusCode.Forbidden, (await auditor.PostAsync("/dicomweb/studies", Multipart(TestRadiographs.Phantom(TestRadiographs.NewSeed())))).StatusCode);
        using var anonymous = host.AnonymousClient();
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.PostAsync("/dicomweb/studies", Multipart(TestRadiographs.Phantom(TestRadiographs.NewSeed())))).StatusCode);
    }

    /// <summary>Waits until the stored images' SR and capture objects (two per image) are built.</summary>
    internal static async Task WaitForResultObjectsAsync(TbScreenApiFactory host, int count)
    {
        var objects = host.Services.GetRequiredService<DicomOutboxStore>();
        var clock = Stopwatch.StartNew();
        while ((await objects.ObjectsAsync(10)).Count < count)
        {
            Assert.True(clock.Elapsed < TimeSpan.FromMinutes(2), $"fewer than {count} result objects were built");
            await Task.Delay(100);
        }
    }

    internal static MultipartContent Multipart(params byte[][] parts)
    {
        var content = new MultipartContent("related", "stow-" + Guid.NewGuid().ToString("N"));
        content.Headers.ContentType!.Parameters.Add(new NameValueHeaderValue("type", "\"application/dicom\""));
        foreach (byte[] part in parts)
        {
            var item = new ByteArrayContent(part);
            item.Headers.ContentType = new MediaTypeHeaderValue("application/dicom");
            content.Add(item);
        }

        return content;
    }
}

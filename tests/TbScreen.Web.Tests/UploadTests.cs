using Microsoft.Extensions.DependencyInjection;
using System.Net;
using System.Text;
using TbScreen.Web.Identity;
using TbScreen.Web.Tests.Infrastructure;
using static TbScreen.Web.Tests.Infrastructure.HttpAssertions;

namespace TbScreen.Web.Tests;

/// <summary>Uploads judged by content: bad files get 400 naming the file and the reason; many files become a job.</summary>
[Collection(ApiCollection.Name)]
public sealed class UploadTests(TbScreenApiFactory factory)
{
    [Fact]
    public async Task A_text_file_named_dcm_is_400_naming_the_file_and_the_reason()
    {
        using var client = await factory.ClientAsAsync(Roles.Clinician);
        var response = await client.PostAsync("/api/screenings", Upload(Encoding.UTF8.GetBytes("patient list, not an image"), "scan.dcm"));
        var problem = await response.ProblemAsync(HttpStatusCode.BadRequest);

        Assert.Equal("scan.dcm", problem.GetProperty("fileName").GetString());
        Assert.Contains("not a DICOM, PNG or JPEG", problem.GetProperty("reason").GetString());
        Assert.StartsWith("scan.dcm:", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task A_truncated_dicom_is_400_invalid_dicom_naming_the_file()
    {
        using var client = await factory.ClientAsAsync(Roles.Clinician);
        byte[] whole = TestRadiographs.Phantom(TestRadiographs.NewSeed());
        var response = await client.PostAsync("/api/screenings", Upload(whole[..(whole.Length / 2)], "cut-short.dcm"));
        var problem = await response.ProblemAsync(HttpStatusCode.BadRequest);

        Assert.Equal("cut-short.dcm", problem.GetProperty("fileName").GetString());
        Assert.Equal("invalid-dicom", problem.GetProperty("screeningStatus").GetString());
        Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty("reason").GetString()));
    }

    [Fact]
    public async Task Many_files_uploaded_as_a_job_are_screened_in_the_background_and_exported_as_csv()
    {
        using var client = await factory.ClientAsAsync(Roles.Clinician);
        using var form = new MultipartFormDataContent
        {
            { new ByteArrayContent(TestRadiographs.Phantom(TestRadiographs.NewSeed())), "files", "first.dcm" },
            { new ByteArrayContent(TestRadiographs.Phantom(TestRadiographs.NewSeed())), "files", "second" },
        };
        var accepted = await (await client.PostAsync("/api/jobs/uploads", form)).JsonAsync(HttpStatusCode.Accepted);
        Assert.Equal("upload", accepted.GetProperty("kind").GetString());
        string id = accepted.GetProperty("id").ToString();

        var job = await JobEndpointTests.PollUntilFinishedAsync(client, id, TimeSpan.FromSeconds(60));
        Assert.Equal("completed", job.GetProperty("state").GetString());
        Assert.Equal(2, job.GetProperty("counts").GetProperty("succeeded").GetInt32());
        // Issue 17: the files wait sealed in the content store, never as plain staging files, and the job's rows name
        // them by place and hash.
        Assert.Equal("(content store)", job.GetProperty("folder").GetString());
        string uploads = Path.Combine(factory.Root, "uploads");
        Assert.False(Directory.Exists(uploads) && Directory.EnumerateFiles(uploads, "*", SearchOption.AllDirectories).Any(), "an upload was staged as a plain file");

        var csv = await client.GetAsync($"/api/jobs/{id}/results.csv");
        Assert.Equal(HttpStatusCode.OK, csv.StatusCode);
        Assert.Equal("text/csv", csv.Content.Headers.ContentType?.MediaType);
        string text = await csv.Content.ReadAsStringAsync();
        string[] lines = text.TrimEnd().Split("\r\n");
        Assert.StartsWith("# De-identified under DICOM PS3.15 Annex E", lines[0]);
        Assert.StartsWith("item,sha256,status,error,result_id,decision", lines[1]);
        Assert.Equal(4, lines.Length);
        var items = await (await client.GetAsync($"/api/jobs/{id}/results")).JsonAsync(HttpStatusCode.OK);
        var shas = items.EnumerateArray().Select(i => i.GetProperty("contentSha256").GetString()).ToList();
        Assert.Equal($"1,{shas[0]},ok,", lines[2][..(shas[0]!.Length + 6)]);
        Assert.Equal($"2,{shas[1]},ok,", lines[3][..(shas[1]!.Length + 6)]);
        Assert.DoesNotContain("first", text, StringComparison.Ordinal); // no file names in an export
        Assert.Equal(["upload item 1", "upload item 2"], items.EnumerateArray().Select(i => i.GetProperty("file").GetString()));
        foreach (string? sha in shas)
        {
            byte[] stored = File.ReadAllBytes(factory.Services.GetRequiredService<TbScreen.Screening.Storage.ContentStore>().PathFor(sha!));
            Assert.DoesNotContain("DICM", System.Text.Encoding.Latin1.GetString(stored), StringComparison.Ordinal); // sealed, not plain
        }
        var trail = await factory.Services.GetRequiredService<TbScreen.Screening.Persistence.IScreeningStore>().AuditTrailAsync(5000);
        Assert.Contains(trail, e => e.Action == "job.export" && e.Target == $"job/{id}"); // every export is audited
        Assert.DoesNotContain("second", text, StringComparison.Ordinal);

        var failedOnly = await (await client.GetAsync($"/api/jobs/{id}/results?status=failed")).JsonAsync(HttpStatusCode.OK);
        Assert.Equal(0, failedOnly.GetArrayLength());
        var listed = await (await client.GetAsync("/api/jobs")).JsonAsync(HttpStatusCode.OK);
        Assert.Contains(listed.EnumerateArray(), j => j.GetProperty("id").ToString() == id);
    }

    [Fact]
    public async Task An_upload_job_with_a_non_image_is_refused_whole_naming_the_file()
    {
        using var client = await factory.ClientAsAsync(Roles.Clinician);
        using var form = new MultipartFormDataContent
        {
            { new ByteArrayContent(TestRadiographs.Phantom(TestRadiographs.NewSeed())), "files", "good.dcm" },
            { new ByteArrayContent(Encoding.UTF8.GetBytes("<html>")), "files", "page.png" },
        };
        var problem = await (await client.PostAsync("/api/jobs/uploads", form)).ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains("page.png", problem.GetProperty("detail").GetString());
        Assert.DoesNotContain("good.dcm", problem.GetProperty("detail").GetString());
    }
}

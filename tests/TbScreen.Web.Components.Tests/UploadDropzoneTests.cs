using Microsoft.AspNetCore.Components.Forms;
using TbScreen.Web.Components;

namespace TbScreen.Web.Components.Tests;

public sealed class UploadDropzoneTests : BunitContext
{
    private readonly List<string> _sent = [];

    private Task<UploadOutcome> Upload(IBrowserFile file, IProgress<double> progress, CancellationToken token)
    {
        _sent.Add(file.Name);
        progress.Report(0.5);
        progress.Report(1);
        return Task.FromResult(file.Name.StartsWith("bad", StringComparison.Ordinal)
            ? UploadOutcome.Failure($"{file.Name}: not a chest X-ray (modality MR)")
            : UploadOutcome.Success($"/results/{_sent.Count}", "TB suspected"));
    }

    private IRenderedComponent<UploadDropzone> RenderZone(long maxFileSize = 1024) =>
        Render<UploadDropzone>(p => p.Add(c => c.Upload, Upload).Add(c => c.MaxFileSize, maxFileSize));

    private static InputFileContent File(string name, int size) => InputFileContent.CreateFromBinary(new byte[size], name);

    [Fact]
    public void A_wrong_type_is_rejected_with_a_clear_message_and_never_sent()
    {
        var cut = RenderZone();

        cut.FindComponent<InputFile>().UploadFiles(File("notes.txt", 10));

        Assert.Empty(_sent);
        var error = cut.Find("li[data-file='notes.txt'] .tb-upload__error");
        Assert.Contains("notes.txt: type .txt is not accepted", error.TextContent);
    }

    [Fact]
    public void An_oversized_file_is_rejected_naming_the_limit()
    {
        var cut = RenderZone(maxFileSize: 1024 * 1024);

        cut.FindComponent<InputFile>().UploadFiles(File("big.dcm", 2 * 1024 * 1024));

        Assert.Empty(_sent);
        Assert.Contains("big.dcm: 2 MB exceeds the 1 MB limit per file", cut.Find("li[data-file='big.dcm'] .tb-upload__error").TextContent);
    }

    [Fact]
    public void Accepted_files_are_sent_and_link_to_their_result_while_errors_show_the_reason()
    {
        var cut = RenderZone();

        cut.FindComponent<InputFile>().UploadFiles(File("IM000001", 100), File("chest.PNG", 100), File("bad.dcm", 100), File("x.gif", 100));

        Assert.Equal(["IM000001", "chest.PNG", "bad.dcm"], _sent);
        Assert.Equal("/results/1", cut.Find("li[data-file='IM000001'] a").GetAttribute("href"));
        Assert.Contains("TB suspected", cut.Find("li[data-file='chest.PNG'] .tb-upload__outcome").TextContent);
        Assert.Contains("bad.dcm: not a chest X-ray", cut.Find("li[data-file='bad.dcm'] .tb-upload__error").TextContent);
        Assert.Contains("type .gif is not accepted", cut.Find("li[data-file='x.gif'] .tb-upload__error").TextContent);
    }

    [Fact]
    public void Too_many_files_at_once_are_refused_as_a_whole()
    {
        var cut = Render<UploadDropzone>(p => p.Add(c => c.Upload, Upload).Add(c => c.MaxFiles, 2));

        cut.FindComponent<InputFile>().UploadFiles(File("a.dcm", 1), File("b.dcm", 1), File("c.dcm", 1));

        Assert.Empty(_sent);
        Assert.Contains("3 files chosen; at most 2", cut.Find(".tb-dropzone__message").TextContent);
    }

    [Theory]
    [InlineData("scan.dcm", 10, null)]
    [InlineData("scan.DICOM", 10, null)]
    [InlineData("1.2.840.113619", 10, "type .113619 is not accepted")]
    [InlineData("scan.jpeg", 0, "the file is empty")]
    public void Rules_cover_extensions_and_sizes(string name, long size, string? expected)
    {
        string? reason = UploadRules.Reject(name, size, 100);
        if (expected is null)
        {
            Assert.Null(reason);
        }
        else
        {
            Assert.Contains(expected, reason, StringComparison.Ordinal);
        }
    }
}

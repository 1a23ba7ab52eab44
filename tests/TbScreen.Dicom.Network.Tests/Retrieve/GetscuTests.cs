using System.Globalization;
using System.Text.RegularExpressions;
using TbScreen.Dicom.Network.Tests.Support;

namespace TbScreen.Dicom.Network.Tests.Retrieve;

/// <summary>
/// C-GET with a real requestor, dcmtk's getscu: it proposes the storage classes it takes back with the SCP role, and
/// reads our C-STORE sub-operations and C-GET responses with its own code.
/// </summary>
public sealed class GetscuTests : IAsyncLifetime
{
    private readonly string _scratch = Path.Combine(Path.GetTempPath(), "tbscreen-getscu-" + Guid.NewGuid().ToString("N")[..12]);
    private readonly RecordingGetHandler _gets = new([DicomUids.ComputedRadiographyImageStorage, DicomUids.DigitalXRayImageStorageForPresentation, DicomUids.SecondaryCaptureImageStorage]);
    private RunningListener _node = null!;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_scratch);
        _node = await RunningListener.StartAsync(gets: _gets);
    }

    public async Task DisposeAsync()
    {
        await _node.DisposeAsync();
        Directory.Delete(_scratch, recursive: true);
    }

    /// <summary>
    /// Every native sample comes back with the same content, in a syntax getscu accepted; a compressed sample (getscu
    /// proposes only uncompressed syntaxes by default, and we do not transcode pixel data) and an object that is gone
    /// are counted failed and named in the final response, whose status is B000.
    /// </summary>
    [SkippableFact]
    public async Task Getscu_receives_every_object_it_can_take_and_is_told_which_failed()
    {
        Support.Dcmtk.Require();
        var samples = SampleFiles.Files.Select(f => new DicomReader().Read(f)).ToList();
        var native = samples.Where(s => !s.TransferSyntax.Encapsulated).ToList();
        var compressed = samples.First(s => s.TransferSyntax.Encapsulated);
        foreach (var (sample, file) in samples.Zip(SampleFiles.Files).Where(p => p.First == compressed || native.Contains(p.First)))
        {
            _gets.Objects.Add((sample.Dataset.GetString(DicomTag.SopInstanceUid)!, File.ReadAllBytes(file)));
        }

        _gets.Objects.Add(("1.2.826.0.1.3680043.10.1.999", null)); // purged before the get
        string folder = Path.Combine(_scratch, "got");
        Directory.CreateDirectory(folder);

        var (code, output) = Getscu(folder, "-k", "QueryRetrieveLevel=STUDY", "-k", "StudyInstanceUID=1.2.3");

        Assert.True(code == 0, output);
        // getscu's own reading of our responses: a Pending after each sub-operation but the last, then B000 and the counts.
        Assert.Equal(native.Count + 1, Regex.Matches(output, @"Received C-GET Response \(Pending\)").Count);
        Assert.Contains("Received C-GET Response (Warning: SubOperationsCompleteOneOrMoreFailures)", output, StringComparison.Ordinal);
        Assert.Matches($@"Number of Completed Suboperations : {native.Count}\n", output);
        Assert.Matches(@"Number of Failed Suboperations +: 2\n", output);
        // Each native sample arrives with its content; getscu proposes no compressed syntax, and we do not transcode.
        var received = Directory.GetFiles(folder).Select(f => new DicomReader().Read(f)).ToDictionary(f => f.Dataset.GetString(DicomTag.SopInstanceUid)!);
        Assert.Equal(native.Select(Uid).Order(StringComparer.Ordinal), received.Keys.Order(StringComparer.Ordinal));
        foreach (var original in native)
        {
            DataSetComparison.AssertSameContent(original.Dataset, received[Uid(original)].Dataset);
        }

        var (caller, level, outcome) = Assert.Single(_gets.Recorded);
        Assert.Equal(("VIEWER", "STUDY", native.Count, 2, 0, 0, false), (caller, level, outcome.Completed, outcome.Failed, outcome.Warning, outcome.Remaining, outcome.Cancelled));
        Assert.Equal([Uid(compressed), "1.2.826.0.1.3680043.10.1.999"], outcome.FailedSopInstanceUids);
        Assert.Empty(_node.Logger.Errors);
    }

    /// <summary>One object at image level: Success, no Pending, and a clean release.</summary>
    [SkippableFact]
    public void Getscu_gets_one_image_and_releases_cleanly()
    {
        Support.Dcmtk.Require();
        string file = SampleFiles.Files.First(f => !new DicomReader().Read(f).TransferSyntax.Encapsulated);
        var original = new DicomReader().Read(file);
        _gets.Objects.Add((Uid(original), File.ReadAllBytes(file)));
        string folder = Path.Combine(_scratch, "one");
        Directory.CreateDirectory(folder);

        var (code, output) = Getscu(folder, "-k", "QueryRetrieveLevel=IMAGE", "-k", "StudyInstanceUID=1.2.3", "-k", "SeriesInstanceUID=1.2.3.4", "-k", $"SOPInstanceUID={Uid(original)}");

        Assert.True(code == 0, output);
        Assert.Contains("Received C-GET Response (Success)", output, StringComparison.Ordinal);
        Assert.DoesNotContain("(Pending)", output, StringComparison.Ordinal);
        Assert.DoesNotContain("Release Failed", output, StringComparison.Ordinal);
        DataSetComparison.AssertSameContent(original.Dataset, new DicomReader().Read(Assert.Single(Directory.GetFiles(folder))).Dataset);
        var (identifier, model) = Assert.Single(_gets.Requests);
        Assert.Equal((Uid(original), QueryRetrieveModel.StudyRoot), (identifier.GetString(DicomTag.SopInstanceUid), model));
    }

    /// <summary>getscu's default, Patient Root: the listener accepts it and the handler learns the model and the patient asked for.</summary>
    [SkippableFact]
    public void Getscu_in_Patient_Root_gets_a_patients_objects()
    {
        Support.Dcmtk.Require();
        string file = SampleFiles.Files.First(f => !new DicomReader().Read(f).TransferSyntax.Encapsulated);
        _gets.Objects.Add((Uid(new DicomReader().Read(file)), File.ReadAllBytes(file)));
        string folder = Path.Combine(_scratch, "patient");
        Directory.CreateDirectory(folder);

        var (code, output) = Support.Dcmtk.Run("getscu", "-v", "-P", "-aet", "VIEWER", "-aec", "TBSCREEN", "-k", "QueryRetrieveLevel=PATIENT", "-k", "PatientID=PAT-1",
            "-od", folder, "127.0.0.1", _node.Port.ToString(CultureInfo.InvariantCulture));

        Assert.True(code == 0, output);
        Assert.Contains("Received C-GET Response (Success)", output, StringComparison.Ordinal);
        Assert.Single(Directory.GetFiles(folder));
        var (identifier, model) = Assert.Single(_gets.Requests);
        Assert.Equal(("PAT-1", QueryRetrieveModel.PatientRoot), (identifier.GetString(DicomTag.PatientId), model));
    }

    /// <summary>A level the handler does not serve: A900, and nothing is sent.</summary>
    [SkippableFact]
    public void A_level_the_handler_refuses_is_answered_identifier_does_not_match()
    {
        Support.Dcmtk.Require();
        string folder = Path.Combine(_scratch, "none");
        Directory.CreateDirectory(folder);

        var (_, output) = Getscu(folder, "-k", "QueryRetrieveLevel=PATIENT", "-k", "PatientID=X");

        Assert.Contains("Received C-GET Response (Error: DataSetDoesNotMatchSOPClass)", output, StringComparison.Ordinal); // dcmtk's name for A900
        Assert.Empty(Directory.GetFiles(folder));
        Assert.Empty(_gets.Recorded);
    }

    private (int Code, string Output) Getscu(string folder, params string[] keys) =>
        Support.Dcmtk.Run("getscu", ["-v", "-S", "-aet", "VIEWER", "-aec", "TBSCREEN", .. keys, "-od", folder, "127.0.0.1", _node.Port.ToString(CultureInfo.InvariantCulture)]);

    private static string Uid(DicomFile file) => file.Dataset.GetString(DicomTag.SopInstanceUid)!;
}

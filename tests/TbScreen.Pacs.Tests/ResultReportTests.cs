using System.Globalization;
using TbScreen.Dicom;
using TbScreen.Dicom.Writing;
using TbScreen.Screening;

namespace TbScreen.Pacs.Tests;

/// <summary>
/// The result SR of a radiograph screened by the shipped models: valid for dciodvfy (no errors), its content tree
/// readable by dsrdump, and, read back with our reader, the same study, the source reference and the exact numbers.
/// </summary>
public sealed class ResultReportTests : IClassFixture<ResultReportTests.Screened>
{
    private readonly Screened _screened;

    public ResultReportTests(Screened screened) => _screened = screened;

    [SkippableFact]
    public void The_report_passes_dciodvfy_and_dsrdump_shows_its_content_tree()
    {
        string? missing = Peers.Missing("dciodvfy", "dicom3tools") ?? Peers.Missing("dsrdump", "dcmtk");
        Skip.If(missing is not null, missing);
        string file = WriteReport(ResultReport.Build(_screened.Source, _screened.Outcome));

        AssertValid(file);
        var (code, tree) = Peers.Run("dsrdump", "+Pl", "+Pc", file);
        Assert.True(code == 0, tree);
        Assert.Contains("Comprehensive SR Document", tree);
        Assert.Contains("UNVERIFIED", tree);
        Assert.Contains("Imaging Measurement Report", tree);
        Assert.Contains("(56717001,SCT,\"Tuberculosis\")", tree);
        Assert.Contains(_screened.Outcome.Decision == "tb" ? "(52101004,SCT,\"Present\")" : "(2667000,SCT,\"Absent\")", tree);
        Assert.Contains("Ensemble probability of tuberculosis", tree);
        Assert.Contains(ResultReport.ResearchUseStatement, tree);
        Assert.Contains(_screened.Outcome.ModelVersion, tree);
    }

    [Fact]
    public void Read_back_the_report_keeps_the_study_references_the_image_and_carries_the_exact_scores()
    {
        var report = new DicomReader().Parse(ResultReport.Write(ResultReport.Build(_screened.Source, _screened.Outcome)), "report.dcm").Dataset;

        Assert.Equal(ResultReport.ComprehensiveSrClassUid, report.GetString(DicomTag.SopClassUid));
        Assert.Equal(_screened.Source.GetString(DicomTag.StudyInstanceUid), report.GetString(DicomTag.StudyInstanceUid));
        Assert.NotEqual(_screened.Source.GetString(DicomTag.SeriesInstanceUid), report.GetString(DicomTag.SeriesInstanceUid));
        Assert.Equal("SR", report.GetString(DicomTag.Modality));
        var evidence = report.GetSequence(0x0040A375).Single().GetSequence(0x00081115).Single().GetSequence(0x00081199).Single();
        Assert.Equal(_screened.Source.GetString(DicomTag.SopInstanceUid), evidence.GetString(0x00081155));

        var group = report.GetSequence(0x0040A730).Last().GetSequence(0x0040A730).Single().GetSequence(0x0040A730);
        double Number(string code) => double.Parse(
            group.Single(i => i.GetString(0x0040A040) == "NUM" && i.GetSequence(0x0040A043)[0].GetString(0x00080100) == code)
                .GetSequence(0x0040A300)[0].GetString(0x0040A30A)!, CultureInfo.InvariantCulture);
        Assert.Equal(_screened.Outcome.EnsembleProbability!.Value, Number("tb-probability"), 9);
        Assert.Equal(_screened.Outcome.AlexNetProbability!.Value, Number("tbp-alexnet"), 9);
        Assert.Equal(_screened.Outcome.GoogLeNetProbability!.Value, Number("tbp-googlenet"), 9);
        string parameters = group.Single(i => i.GetSequence(0x0040A043)[0].GetString(0x00080100) == "111002").GetString(0x0040A160)!;
        Assert.Equal(string.Create(CultureInfo.InvariantCulture, $"threshold={_screened.Outcome.DecidedBy!.Threshold:0.######} (shipped threshold)"), parameters);
    }

    [SkippableFact]
    public void Invalid_source_values_are_repaired_or_dropped_and_the_report_still_validates()
    {
        string? missing = Peers.Missing("dciodvfy", "dicom3tools");
        Skip.If(missing is not null, missing);
        var source = new DicomReader().Parse(File.ReadAllBytes(_screened.SourcePath), "source.dcm").Dataset;
        source.AddString(0x00101010, "AS", "62");               // Patient's Age without its unit
        source.AddString(DicomTag.PatientSex, "CS", "male");
        source.AddString(0x00100030, "DA", "1962-07-14");       // birth date with dashes
        source.AddString(0x00080020, "DA", "2025-13-40");       // study date that is no date
        source.AddString(0x00100020, "LO", new string('7', 70)); // Patient ID longer than LO allows
        source.AddString(0x00080050, "SH", "ACCESSION-NUMBER-TOO-LONG");

        var report = ResultReport.Build(source, _screened.Outcome);
        AssertValid(WriteReport(report));
        Assert.Equal(("062Y", "M", "19620714"), (report.GetString(0x00101010), report.GetString(DicomTag.PatientSex), report.GetString(0x00100030)));
        Assert.Null(report.GetString(0x00080020));
        Assert.Null(report.GetString(0x00100020));
        Assert.Null(report.GetString(0x00080050));
    }

    [SkippableFact]
    public void A_reviewed_result_becomes_a_verified_report_naming_the_radiologist()
    {
        string? missing = Peers.Missing("dciodvfy", "dicom3tools");
        Skip.If(missing is not null, missing);
        var verification = new ReportVerification("Okafor^Ada", "Chest unit", new DateTimeOffset(2026, 12, 4, 10, 30, 0, TimeSpan.Zero), FinalRead: "tb");
        var report = ResultReport.Build(_screened.Source, _screened.Outcome, verification);

        AssertValid(WriteReport(report));
        Assert.Equal("VERIFIED", report.GetString(0x0040A493));
        var observer = report.GetSequence(0x0040A073).Single();
        Assert.Equal(("Okafor^Ada", "20261204103000+0000"), (observer.GetString(0x0040A075), observer.GetString(0x0040A030)));
    }

    [Fact]
    public void A_result_that_was_not_screened_is_refused()
    {
        var failed = _screened.Outcome with { Status = ScreeningStatus.UnreadableImage, EnsembleProbability = null };
        Assert.Throws<ArgumentException>(() => ResultReport.Build(_screened.Source, failed));
    }

    internal static void AssertValid(string file)
    {
        var (_, output) = Peers.Run("dciodvfy", file);
        var errors = output.Split('\n').Where(l => l.StartsWith("Error", StringComparison.Ordinal)).ToList();
        Assert.True(errors.Count == 0, output);
    }

    internal static string WriteReport(DicomDataset report)
    {
        string file = Path.Combine(Path.GetTempPath(), "tbscreen-pacs-tests", Guid.NewGuid().ToString("N") + ".dcm");
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        File.WriteAllBytes(file, ResultReport.Write(report));
        return file;
    }

    /// <summary>One sample screened once by the shipped models (loading them takes seconds).</summary>
    public sealed class Screened : IDisposable
    {
        private readonly ScreeningPipeline _pipeline = ScreeningPipeline.Load(Path.Combine(Peers.RepositoryRoot, "models"));

        public ScreeningPipeline Pipeline => _pipeline;

        public Screened()
        {
            SourcePath = Path.Combine(Peers.RepositoryRoot, "samples", "phantom-explicit-le-mono2.dcm");
            Source = new DicomReader().Read(SourcePath).Dataset;
            Outcome = _pipeline.Screen(SourcePath);
        }

        public string SourcePath { get; }

        public DicomDataset Source { get; }

        public ScreeningOutcome Outcome { get; }

        public void Dispose() => _pipeline.Dispose();
    }
}

using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using TbScreen.Dicom;
using TbScreen.Dicom.Network;
using TbScreen.Dicom.Network.Scp;
using TbScreen.Dicom.Writing;
using TbScreen.Screening;
using TbScreen.Screening.Persistence;
using TbScreen.Screening.Storage;

namespace TbScreen.Pacs.Tests;

/// <summary>
/// C-MOVE over the result objects: study, series and image level pick the right objects; only configured AE titles
/// are destinations; a failed sub-operation is counted and named; an unreachable destination refuses the whole move.
/// C-GET picks its objects the same way.
/// </summary>
public sealed class ResultMoverTests(ResultReportTests.Screened screened) : IClassFixture<ResultReportTests.Screened>, IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "tbscreen-pacs-tests", Guid.NewGuid().ToString("N"));
    private DicomOutboxStore? _outbox;
    private ContentStore? _content;

    [Fact]
    public async Task Each_level_moves_what_it_names_to_a_configured_destination_only()
    {
        var (mover, sender, rows, store) = await SetUpAsync();
        var sr = rows.Single(r => r.Kind == "sr");
        var sc = rows.Single(r => r.Kind == "sc");

        var study = await MoveIn(mover, Identifier("STUDY", sr.StudyInstanceUid), "VIEWER", "PACS", default);
        var series = await MoveIn(mover, Identifier("SERIES", sr.StudyInstanceUid, sr.SeriesInstanceUid), "VIEWER", "PACS", default);
        var image = await MoveIn(mover, Identifier("IMAGE", sc.StudyInstanceUid, sc.SeriesInstanceUid, sc.SopInstanceUid), "VIEWER", "PACS", default);

        Assert.Equal((2, 0), (study.Completed, study.Failed));
        Assert.Equal((1, 0), (series.Completed, series.Failed));
        Assert.Equal((1, 0), (image.Completed, image.Failed));
        // Study: both objects; series: the SR's; image: the capture.
        var sent = sender.Sent.Select(b => new DicomReader().Parse(b, "sent.dcm").Dataset.GetString(DicomTag.SopInstanceUid)!).Order(StringComparer.Ordinal);
        Assert.Equal(new[] { sr, sr, sc, sc }.Select(r => r.SopInstanceUid).Order(StringComparer.Ordinal), sent);
        Assert.All(sender.Destinations, d => Assert.Equal("VIEWER@127.0.0.1:104", d.ToString()));
        Assert.Throws<MoveDestinationUnknownException>(() => MoveIn(mover, Identifier("STUDY", sr.StudyInstanceUid), "ELSEWHERE", "PACS", default).GetAwaiter().GetResult());
        var trail = await store.AuditTrailAsync(20);
        Assert.Contains(trail, e => e.Action == ResultMover.AuditAction && e.Actor == "dicom:PACS" && e.Detail == "SERIES level to VIEWER: 1 sent, 0 failed");
    }

    [Fact]
    public async Task A_failed_sub_operation_is_counted_and_named_and_an_unreachable_destination_refuses_the_move()
    {
        var (mover, sender, rows, _) = await SetUpAsync();
        string study = rows[0].StudyInstanceUid;

        sender.FailOn = 2; // the second object is refused by the destination
        var partly = await MoveIn(mover, Identifier("STUDY", study), "VIEWER", "PACS", default);
        Assert.Equal((1, 1), (partly.Completed, partly.Failed));
        Assert.Single(partly.FailedSopInstanceUids, uid => rows.Any(r => r.SopInstanceUid == uid));

        sender.FailOn = null;
        sender.Unreachable = true;
        await Assert.ThrowsAsync<DicomNetworkException>(() => MoveIn(mover, Identifier("STUDY", study), "VIEWER", "PACS", default));
    }

    [Theory]
    [InlineData("SERIES", "C-MOVE at SERIES level needs Series Instance UID")]
    [InlineData("PATIENT", "Query/Retrieve Level 'PATIENT' is not STUDY, SERIES or IMAGE")]
    public async Task An_identifier_that_names_nothing_retrievable_is_refused_naming_why(string level, string message)
    {
        var (mover, _, rows, _) = await SetUpAsync();

        var error = await Assert.ThrowsAsync<FormatException>(() => MoveIn(mover, Identifier(level, rows[0].StudyInstanceUid), "VIEWER", "PACS", default));

        Assert.Equal(message, error.Message);
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    /// <summary>Patient Root adds the PATIENT level: every object of the one patient named, a Patient ID matched exactly.</summary>
    [Fact]
    public async Task In_Patient_Root_a_patient_level_move_sends_the_patients_objects()
    {
        var (mover, sender, rows, _) = await SetUpAsync();
        string patientId = screened.Source.GetString(DicomTag.PatientId)!;
        DicomDataset Patient(string id) => new DicomDataset().AddString(0x00080052, "CS", "PATIENT").AddString(DicomTag.PatientId, "LO", id);

        var moved = await mover.MoveAsync(Patient(patientId), QueryRetrieveModel.PatientRoot, "VIEWER", "PACS", default);
        var nobody = await mover.MoveAsync(Patient("NO-SUCH-PATIENT"), QueryRetrieveModel.PatientRoot, "VIEWER", "PACS", default);
        var pattern = await Assert.ThrowsAsync<FormatException>(() => mover.MoveAsync(Patient(patientId[..1] + "*"), QueryRetrieveModel.PatientRoot, "VIEWER", "PACS", default));
        var studyRoot = await Assert.ThrowsAsync<FormatException>(() => mover.MoveAsync(Patient(patientId), QueryRetrieveModel.StudyRoot, "VIEWER", "PACS", default));

        Assert.Equal((2, 0), (moved.Completed, moved.Failed));
        Assert.Equal(rows.Select(r => r.SopInstanceUid).Order(StringComparer.Ordinal),
            sender.Sent.Select(b => new DicomReader().Parse(b, "sent.dcm").Dataset.GetString(DicomTag.SopInstanceUid)!).Order(StringComparer.Ordinal));
        Assert.Equal((0, 0), (nobody.Completed, nobody.Failed));
        Assert.Equal("C-MOVE at PATIENT level needs one Patient ID, matched exactly", pattern.Message);
        Assert.Equal("Query/Retrieve Level 'PATIENT' is not STUDY, SERIES or IMAGE", studyRoot.Message);
    }

    /// <summary>C-GET names the same objects at each level as C-MOVE, loads each only when sent, and audits its outcome.</summary>
    [Fact]
    public async Task A_get_resolves_each_level_like_a_move_and_records_what_was_sent()
    {
        var (_, _, rows, store) = await SetUpAsync();
        var getter = new ResultGetter(new ResultStudies(_outbox!, _content!), _outbox!, _content!, store);
        var sr = rows.Single(r => r.Kind == "sr");
        var sc = rows.Single(r => r.Kind == "sc");

        var study = await getter.ResolveAsync(Identifier("STUDY", sr.StudyInstanceUid), QueryRetrieveModel.StudyRoot, default);
        var image = await getter.ResolveAsync(Identifier("IMAGE", sc.StudyInstanceUid, sc.SeriesInstanceUid, sc.SopInstanceUid), QueryRetrieveModel.StudyRoot, default);
        var error = await Assert.ThrowsAsync<FormatException>(() => getter.ResolveAsync(Identifier("SERIES", sr.StudyInstanceUid), QueryRetrieveModel.StudyRoot, default));
        await getter.RecordAsync("VIEWER", "STUDY", new GetOutcome(1, 0, 0, 1, true, []), default);

        Assert.Equal(new[] { sr, sc }.Select(r => r.SopInstanceUid).Order(StringComparer.Ordinal), study.Select(i => i.SopInstanceUid).Order(StringComparer.Ordinal));
        var only = Assert.Single(image);
        Assert.Equal(sc.SopInstanceUid, new DicomReader().Parse(only.Load()!, "sc.dcm").Dataset.GetString(DicomTag.SopInstanceUid));
        Assert.Equal("C-GET at SERIES level needs Series Instance UID", error.Message);
        Assert.Equal([HeatmapCapture.SecondaryCaptureClassUid, ResultReport.ComprehensiveSrClassUid], getter.RetrievableSopClasses.Order(StringComparer.Ordinal));
        var trail = await store.AuditTrailAsync(20);
        Assert.Contains(trail, e => e.Action == ResultGetter.AuditAction && e.Actor == "dicom:VIEWER" && e.Detail == "STUDY level: 1 sent, 0 failed, cancelled with 1 not sent");
    }

    private async Task<(ResultMover Mover, ScriptedSender Sender, IReadOnlyList<DicomDeliveryInfo> Rows, EfScreeningStore Store)> SetUpAsync()
    {
        var stored = await StoredResult.CreateAsync(_root, screened);
        (_outbox, _content) = (stored.Outbox, stored.Content);
        var sender = new ScriptedSender();
        var destinations = new Dictionary<string, DicomPeer> { ["VIEWER"] = DicomPeer.Parse("VIEWER@127.0.0.1:104") };
        return (new ResultMover(new ResultStudies(stored.Outbox, stored.Content), stored.Outbox, stored.Content, stored.Store, sender, destinations), sender, stored.Rows, stored.Store);
    }

    /// <summary>A Study Root move, the model most tests use.</summary>
    private static Task<MoveOutcome> MoveIn(ResultMover mover, DicomDataset identifier, string destination, string calling, CancellationToken cancellationToken) =>
        mover.MoveAsync(identifier, QueryRetrieveModel.StudyRoot, destination, calling, cancellationToken);

    private static DicomDataset Identifier(string level, string study, string? series = null, string? instance = null)
    {
        var identifier = new DicomDataset().AddString(0x00080052, "CS", level).AddString(DicomTag.StudyInstanceUid, "UI", study);
        if (series is not null)
        {
            identifier.AddString(DicomTag.SeriesInstanceUid, "UI", series);
        }

        if (instance is not null)
        {
            identifier.AddString(DicomTag.SopInstanceUid, "UI", instance);
        }

        return identifier;
    }

    private sealed class ScriptedSender : IDicomSender
    {
        private int _calls;

        public int? FailOn { get; set; }

        public bool Unreachable { get; set; }

        public List<byte[]> Sent { get; } = [];

        public List<DicomPeer> Destinations { get; } = [];

        public Task SendAsync(DicomPeer destination, byte[] part10, CancellationToken cancellationToken)
        {
            if (Unreachable)
            {
                throw new DicomNetworkException(destination.ToString(), "connection refused");
            }

            if (++_calls == FailOn)
            {
                throw new IOException($"{destination} did not store the object: status A700");
            }

            Sent.Add(part10);
            Destinations.Add(destination);
            return Task.CompletedTask;
        }
    }
}

using System.Diagnostics;
using System.Text.Json;
using TbScreen.Dicom;
using TbScreen.Dicom.Network;
using TbScreen.Dicom.Network.Tests.Support;
using TbScreen.Dicom.Samples;
using TbScreen.Dicom.Writing;
using TbScreen.Screening.Persistence;

namespace TbScreen.Cli.Tests.Pacs;

/// <summary>Storage Commitment against Orthanc's SCP (Orthanc sends its report on an association it opens to us).</summary>
public sealed partial class ListenCommandTests
{
    [SkippableFact]
    public async Task Orthanc_commits_to_what_it_holds_and_names_what_it_does_not_with_reason_0112()
    {
        var reports = new RecordingCommitmentReports();
        await using var listener = await RunningListener.StartAsync(commitmentReports: reports);
        using var orthanc = new OrthancServer("TBSCREEN", listener.Port);
        Skip.If(orthanc.SkipReason is not null, orthanc.SkipReason);
        var archive = new DicomPeer("ORTHANC", "127.0.0.1", orthanc.DicomPort);
        var client = new DicomClient(new DicomClientOptions { CallingAeTitle = "TBSCREEN" });
        var (dataSet, _) = SampleDatasets.Create(new SampleSpec(Rows: 16, Columns: 16, Seed: 11));
        var stored = new CommitmentReference(dataSet.GetString(DicomTag.SopClassUid)!, dataSet.GetString(DicomTag.SopInstanceUid)!);
        var sent = Assert.Single(await client.StoreAsync(archive, [("sample", DicomWriter.Write(dataSet, TransferSyntax.ExplicitVrLittleEndianUid))]));
        Assert.True(sent.Stored, sent.Status.ToString());
        var missing = new CommitmentReference(stored.SopClassUid, "1.2.826.0.1.3680043.10.1234.1");

        await client.RequestCommitmentAsync(archive, "1.2.826.0.1.3680043.10.1234.99", [stored, missing]);

        var report = await reports.NextAsync(TimeSpan.FromSeconds(60));
        Assert.Equal(("ORTHANC", "1.2.826.0.1.3680043.10.1234.99"), (report.CallingAeTitle, report.TransactionUid));
        Assert.Equal([stored], report.Committed);
        Assert.Equal([new CommitmentFailure(missing.SopClassUid, missing.SopInstanceUid, StorageCommitment.NoSuchObjectInstance)], report.Failed);
        Assert.Equal(StorageCommitment.FailuresExist, report.EventTypeId);
        Assert.Empty(listener.Logger.Errors);
    }

    /// <summary>
    /// `listen --storage-commitment`: the node sends the SR and capture to Orthanc, asks it to commit to them, and
    /// Orthanc's report (on an association it opens to the node) turns both outbox rows to committed.
    /// </summary>
    [SkippableFact]
    public async Task With_storage_commitment_the_results_sent_to_orthanc_end_committed()
    {
        Dcmtk.Require();
        string work = Directory.CreateTempSubdirectory("tbscreen-listen").FullName;
        int port = FreePort();
        using var orthanc = new OrthancServer("TBSCREEN", port);
        Skip.If(orthanc.SkipReason is not null, orthanc.SkipReason);
        using var screened = await NodeWithResultsAsync(work, port, "--forward-results", $"ORTHANC@127.0.0.1:{orthanc.DicomPort}", "--storage-commitment");
        var (node, objects) = (screened.Node, screened.Objects);

        var clock = Stopwatch.StartNew();
        IReadOnlyList<DicomDeliveryInfo> rows;
        while (!(rows = await objects.ObjectsAsync(10)).All(r => r.IsCommitted))
        {
            Assert.True(clock.Elapsed < TimeSpan.FromMinutes(2), string.Join(", ", rows.Select(r => r.Status)) + "\n" + node.Log);
            await Task.Delay(200);
        }

        Assert.All(rows, r => Assert.True(r.CommittedAt >= r.SentAt && r.CommitmentRequestedAt is not null));
        // The node logs the report just after it commits the rows, and its stderr reaches us later still (ci35 read the
        // log between the two): wait for the line rather than expect it with the rows.
        await node.WaitForAsync("Storage Commitment report from ORTHANC");
        await node.WaitForAsync("2 committed, 0 not");
        using var instances = JsonDocument.Parse(await orthanc.Http.GetStringAsync("instances"));
        Assert.Equal(2, instances.RootElement.GetArrayLength()); // the SR and the capture: the radiograph went from the modality to the node only
    }

    [Fact]
    public void Storage_commitment_without_an_archive_to_ask_is_a_usage_error()
    {
        var (code, _, stderr) = CliRunner.Run("listen", "--port", "0", "--storage-commitment");

        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains("--storage-commitment needs --forward-results", stderr, StringComparison.Ordinal);
    }
}

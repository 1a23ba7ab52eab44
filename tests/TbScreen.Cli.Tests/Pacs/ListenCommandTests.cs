using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using TbScreen.Dicom.Network.Tests.Support;
using TbScreen.Dicom.Tests.TestData;
using TbScreen.Cli.Tests.Distributed;
using TbScreen.Screening.Persistence;
using TbScreen.Screening.Storage;

namespace TbScreen.Cli.Tests.Pacs;

/// <summary>
/// `tbscreen listen` as a process with dcmtk as the modality (storescu) and the PACS (storescp): received images
/// are screened and their SR and heatmap capture arrive at the PACS; a node killed right after answering C-STORE
/// success loses nothing, because every image is stored before the answer and screened on the next start.
/// </summary>
public sealed partial class ListenCommandTests
{
    private static readonly string Samples = Path.Combine(SharedDicomData.RepositoryRoot, "samples");

    [SkippableFact]
    public async Task Images_sent_by_a_modality_are_screened_and_their_sr_and_capture_reach_the_pacs()
    {
        Dcmtk.Require();
        string work = Directory.CreateTempSubdirectory("tbscreen-listen").FullName;
        using var pacs = await Dcmtk.StartStoreScpAsync("PACS", Path.Combine(work, "pacs"), "+xa");
        int port = FreePort();
        using var node = Node(port, work, $"PACS@127.0.0.1:{pacs.Port}");
        await node.WaitForAsync("listening on");

        var (code, output) = Dcmtk.Run("storescu", "-aet", "MODALITY", "-aec", "TBSCREEN", "127.0.0.1", port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            Path.Combine(Samples, "phantom-explicit-le-mono2.dcm"));
        Assert.True(code == 0, output);

        var files = await WaitForFilesAsync(Path.Combine(work, "pacs"), 2, node);
        string sr = Assert.Single(files, f => Path.GetFileName(f).StartsWith("SRc.", StringComparison.Ordinal));
        Assert.Single(files, f => Path.GetFileName(f).StartsWith("SC.", StringComparison.Ordinal));
        var (dump, tree) = Dcmtk.Run("dsrdump", "+Pc", sr);
        Assert.True(dump == 0, tree);
        Assert.Contains("(56717001,SCT,\"Tuberculosis\")", tree);

        var store = new EfScreeningStore(new ScreeningDbContextFactory(new PersistenceOptions { ConnectionString = Path.Combine(work, "node.db") }));
        var job = (await store.FindJobByKeyAsync(TbScreen.Pacs.ReceivedInstances.JobKey))!;
        var item = Assert.Single(await store.ItemsAsync(job.Id));
        Assert.Equal("ok", item.Status);
        Assert.DoesNotContain("Phantom", node.Log); // the patient's name never reaches the log
    }

    [SkippableFact]
    public async Task A_node_killed_right_after_answering_success_screens_every_image_on_restart()
    {
        Dcmtk.Require();
        string work = Directory.CreateTempSubdirectory("tbscreen-listen").FullName;
        int port = FreePort();
        string folder = Batch.BatchFolder.Create();
        string[] sent = Enumerable.Range(0, 12).Select(i =>
        {
            string path = Path.Combine(folder, $"cxr-{i:00}.dcm");
            File.WriteAllBytes(path, Batch.BatchFolder.Dicom(700 + i, rows: 384, columns: 320));
            return path;
        }).ToArray();
        using (var node = Node(port, work, forward: null))
        {
            await node.WaitForAsync("listening on");
            string[] arguments = ["-aet", "MODALITY", "-aec", "TBSCREEN", "127.0.0.1", port.ToString(System.Globalization.CultureInfo.InvariantCulture), .. sent];
            var (code, output) = Dcmtk.Run("storescu", arguments);
            Assert.True(code == 0, output);
            node.KillHard();
        }

        var store = new EfScreeningStore(new ScreeningDbContextFactory(new PersistenceOptions { ConnectionString = Path.Combine(work, "node.db") }));
        var job = (await store.FindJobByKeyAsync(TbScreen.Pacs.ReceivedInstances.JobKey))!;
        var before = await store.ItemsAsync(job.Id);
        Assert.Equal(sent.Length, before.Count);
        Assert.Contains(before, i => i.IsPending); // the kill came before screening finished: the case under test

        using (var restarted = Node(port, work, forward: null))
        {
            var clock = Stopwatch.StartNew();
            while ((await store.ItemsAsync(job.Id)).Any(i => i.IsPending))
            {
                Assert.True(clock.Elapsed < TimeSpan.FromMinutes(2), restarted.Log);
                await Task.Delay(100);
            }
        }

        var after = await store.ItemsAsync(job.Id);
        Assert.Equal(sent.Length, after.Count);
        Assert.All(after, i => Assert.Equal("ok", i.Status));
        Assert.Equal(sent.Length, after.Select(i => i.ResultId).Distinct().Count());
    }

    [SkippableFact]
    public async Task Orthanc_sends_a_study_and_gets_the_sr_and_capture_back_readable_by_rest_and_dicomweb()
    {
        Dcmtk.Require();
        string work = Directory.CreateTempSubdirectory("tbscreen-listen").FullName;
        int port = FreePort();
        using var orthanc = new OrthancServer("TBSCREEN", port);
        Skip.If(orthanc.SkipReason is not null, orthanc.SkipReason);
        using var node = Node(port, work, $"ORTHANC@127.0.0.1:{orthanc.DicomPort}");
        await node.WaitForAsync("listening on");

        // The radiograph enters the PACS, and the PACS sends it to us (Orthanc's /modalities/{id}/store).
        var upload = await orthanc.Http.PostAsync("instances", new ByteArrayContent(File.ReadAllBytes(Path.Combine(Samples, "phantom-explicit-le-mono2.dcm"))));
        Assert.True(upload.IsSuccessStatusCode, await upload.Content.ReadAsStringAsync());
        using var uploaded = JsonDocument.Parse(await upload.Content.ReadAsStringAsync());
        string instanceId = uploaded.RootElement.GetProperty("ID").GetString()!;
        string studyId = uploaded.RootElement.GetProperty("ParentStudy").GetString()!;
        var push = await orthanc.Http.PostAsync("modalities/tbscreen/store", new StringContent(instanceId));
        Assert.True(push.IsSuccessStatusCode, await push.Content.ReadAsStringAsync() + node.Log);

        // Our SR and heatmap capture come back into the same study, each in a series of its own.
        var clock = Stopwatch.StartNew();
        JsonElement[] series;
        while (true)
        {
            using var study = JsonDocument.Parse(await orthanc.Http.GetStringAsync($"studies/{studyId}/series"));
            series = study.RootElement.EnumerateArray().Select(e => e.Clone()).ToArray();
            if (series.Length == 3)
            {
                break;
            }

            Assert.True(clock.Elapsed < TimeSpan.FromMinutes(2), $"{series.Length} series in the study:\n{node.Log}");
            await Task.Delay(200);
        }

        var modalities = series.Select(s => s.GetProperty("MainDicomTags").GetProperty("Modality").GetString()).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(["CR", "OT", "SR"], modalities);
        string srSeries = series.Single(s => s.GetProperty("MainDicomTags").GetProperty("Modality").GetString() == "SR").GetProperty("ID").GetString()!;
        using var srInstances = JsonDocument.Parse(await orthanc.Http.GetStringAsync($"series/{srSeries}/instances"));
        string srId = srInstances.RootElement[0].GetProperty("ID").GetString()!;
        using var srTags = JsonDocument.Parse(await orthanc.Http.GetStringAsync($"instances/{srId}/simplified-tags"));
        Assert.Equal("UNVERIFIED", srTags.RootElement.GetProperty("VerificationFlag").GetString());
        Assert.Equal("Imaging Measurement Report", srTags.RootElement.GetProperty("ConceptNameCodeSequence")[0].GetProperty("CodeMeaning").GetString());

        // And through DICOMweb (QIDO-RS, then WADO-RS metadata of the SR).
        string studyUid = srTags.RootElement.GetProperty("StudyInstanceUID").GetString()!;
        using var qido = JsonDocument.Parse(await orthanc.Http.GetStringAsync($"dicom-web/studies/{studyUid}/series"));
        Assert.Equal(3, qido.RootElement.GetArrayLength());
        string srSeriesUid = srTags.RootElement.GetProperty("SeriesInstanceUID").GetString()!;
        string metadata = await orthanc.Http.GetStringAsync($"dicom-web/studies/{studyUid}/series/{srSeriesUid}/metadata");
        Assert.Contains("56717001", metadata);
        Assert.Contains(TbScreen.Pacs.ResultReport.ResearchUseStatement, metadata);
    }

    /// <summary>
    /// The node and both of its peers over mutual TLS: dcmtk's storescu as the modality, storescp as the PACS. A plain
    /// C-STORE to the TLS port stores nothing, and a missing certificate file stops the command before it listens.
    /// </summary>
    [SkippableFact]
    public async Task Over_TLS_a_modality_sends_and_the_results_reach_a_TLS_pacs()
    {
        Dcmtk.Require();
        using var pki = new TestCertificates();
        string work = Directory.CreateTempSubdirectory("tbscreen-listen-tls").FullName;
        using var pacs = await Dcmtk.StartStoreScpAsync("PACS", Path.Combine(work, "pacs"), "+xa", "+tls", pki.ServerKeyPath, pki.ServerCertificatePath, "+cf", pki.CaPath);
        int port = FreePort();
        string portText = port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        using var node = Node(port, work, $"PACS@localhost:{pacs.Port}",
            "--tls-cert", pki.ServerCertificatePath, "--tls-key", pki.ServerKeyPath, "--tls-client-ca", pki.CaPath,
            "--forward-tls-ca", pki.CaPath, "--forward-tls-cert", pki.ClientCertificatePath, "--forward-tls-key", pki.ClientKeyPath);
        await node.WaitForAsync("listening on");
        string sample = Path.Combine(Samples, "phantom-explicit-le-mono2.dcm");

        var (plain, plainOutput) = Dcmtk.Run("storescu", "-aet", "MODALITY", "-aec", "TBSCREEN", "localhost", portText, sample);
        var (code, output) = Dcmtk.Run("storescu", "-aet", "MODALITY", "-aec", "TBSCREEN", "+tls", pki.ClientKeyPath, pki.ClientCertificatePath, "+cf", pki.CaPath, "localhost", portText, sample);

        Assert.True(plain != 0, plainOutput);
        Assert.True(code == 0, output);
        var files = await WaitForFilesAsync(Path.Combine(work, "pacs"), 2, node);
        Assert.Single(files, f => Path.GetFileName(f).StartsWith("SRc.", StringComparison.Ordinal));
        Assert.Contains("(TLS, client certificates required)", node.Log);

        string missing = Path.Combine(work, "missing.key");
        var (refused, _, stderr) = CliRunner.Run("listen", "--port", "0", "--tls-cert", pki.ServerCertificatePath, "--tls-key", missing);
        Assert.Equal(2, refused);
        Assert.Contains(missing, stderr, StringComparison.Ordinal);
    }

    /// <summary>
    /// C-FIND with dcmtk's findscu as the PACS or RIS asking: a received radiograph's study is found by its patient with
    /// the return keys asked for (its result objects' modalities and count), another patient finds nothing, its SR series
    /// and its objects are found at series and image level, and the patient level is refused as not matching.
    /// </summary>
    [SkippableFact]
    public async Task Findscu_finds_the_studies_that_have_results_by_patient_with_the_keys_it_asked_for()
    {
        Dcmtk.Require();
        string work = Directory.CreateTempSubdirectory("tbscreen-listen-find").FullName;
        using var screened = await NodeWithResultsAsync(work);
        var (node, portText, objects) = (screened.Node, screened.Port, screened.Objects);
        var original = screened.Source;
        var store = new EfScreeningStore(screened.Contexts);

        string Find(string folder, params string[] keys)
        {
            Directory.CreateDirectory(folder);
            string[] arguments = ["-v", "-S", "-aet", "RIS", "-aec", "TBSCREEN", "-X", "-od", folder, .. keys.SelectMany(k => new[] { "-k", k }), "127.0.0.1", portText];
            var (code, output) = Dcmtk.Run("findscu", arguments);
            Assert.True(code == 0, output);
            return output;
        }

        string patient = original.GetString(TbScreen.Dicom.DicomTag.PatientId)!;
        Find(Path.Combine(work, "found"), "QueryRetrieveLevel=STUDY", $"PatientID={patient}", "PatientName", "StudyInstanceUID", "ModalitiesInStudy", "NumberOfStudyRelatedInstances");
        var answer = new TbScreen.Dicom.DicomReader().Read(Assert.Single(Directory.GetFiles(Path.Combine(work, "found")))).Dataset;
        Assert.Equal(original.GetString(TbScreen.Dicom.DicomTag.StudyInstanceUid), answer.GetString(TbScreen.Dicom.DicomTag.StudyInstanceUid));
        Assert.Equal(original.GetString(TbScreen.Dicom.DicomTag.PatientName), answer.GetString(TbScreen.Dicom.DicomTag.PatientName));
        Assert.Equal(["OT", "SR"], answer.GetStrings(0x00080061));
        Assert.Equal(2, answer.GetInt(0x00201208));
        Assert.Equal("STUDY", answer.GetString(0x00080052));

        Find(Path.Combine(work, "none"), "QueryRetrieveLevel=STUDY", "PatientID=SOMEONE-ELSE", "StudyInstanceUID");
        Assert.Empty(Directory.GetFiles(Path.Combine(work, "none")));
        // Below the study: the SR series of that study, then its two objects.
        string study = original.GetString(TbScreen.Dicom.DicomTag.StudyInstanceUid)!;
        Find(Path.Combine(work, "series"), "QueryRetrieveLevel=SERIES", $"StudyInstanceUID={study}", "Modality=SR", "SeriesInstanceUID", "NumberOfSeriesRelatedInstances");
        var series = new TbScreen.Dicom.DicomReader().Read(Assert.Single(Directory.GetFiles(Path.Combine(work, "series")))).Dataset;
        Assert.Equal(("SERIES", "SR", 1), (series.GetString(0x00080052), series.GetString(TbScreen.Dicom.DicomTag.Modality), series.GetInt(0x00201209)));
        Find(Path.Combine(work, "images"), "QueryRetrieveLevel=IMAGE", $"StudyInstanceUID={study}", "SOPInstanceUID", "SOPClassUID");
        var images = Directory.GetFiles(Path.Combine(work, "images")).Select(f => new TbScreen.Dicom.DicomReader().Read(f).Dataset).ToList();
        Assert.Equal((await objects.ObjectsAsync(10)).Select(r => r.SopInstanceUid).Order(StringComparer.Ordinal),
            images.Select(i => i.GetString(TbScreen.Dicom.DicomTag.SopInstanceUid)!).Order(StringComparer.Ordinal));
        string patientLevel = Find(Path.Combine(work, "patient"), "QueryRetrieveLevel=PATIENT", "PatientID");
        Assert.Contains("Received Final Find Response (Error: DataSetDoesNotMatchSOPClass)", patientLevel, StringComparison.Ordinal); // dcmtk's name for A900
        var trail = await store.AuditTrailAsync(50);
        Assert.Contains(trail, e => e.Action == "dicom.cfind" && e.Actor == "dicom:RIS" && e.Detail!.StartsWith("study level", StringComparison.Ordinal) && e.Detail.EndsWith("1 matches", StringComparison.Ordinal));
        Assert.Contains(trail, e => e.Action == "dicom.cfind" && e.Detail!.StartsWith("image level", StringComparison.Ordinal) && e.Detail.EndsWith("2 matches", StringComparison.Ordinal));
        Assert.DoesNotContain(patient, node.Log); // the patient ID asked for never reaches the log
    }

    /// <summary>
    /// C-MOVE with dcmtk's movescu as the PACS pulling a study it found: the SR and capture reach the configured
    /// destination (dcmtk's storescp) by C-STORE, byte for byte; an AE title that is not configured is refused A801
    /// and receives nothing; a series-level move without a Series Instance UID is A900; each move is audited.
    /// </summary>
    [SkippableFact]
    public async Task Movescu_pulls_a_studys_results_to_a_configured_destination_and_no_other()
    {
        Dcmtk.Require();
        string work = Directory.CreateTempSubdirectory("tbscreen-listen-move").FullName;
        using var viewer = await Dcmtk.StartStoreScpAsync("VIEWER", Path.Combine(work, "viewer"), "+xa");
        using var screened = await NodeWithResultsAsync(work, "--move-destination", $"VIEWER@127.0.0.1:{viewer.Port}");
        var (node, portText, contexts, objects) = (screened.Node, screened.Port, screened.Contexts, screened.Objects);
        string study = screened.Source.GetString(TbScreen.Dicom.DicomTag.StudyInstanceUid)!;

        string Move(string destination, params string[] keys)
        {
            string[] arguments = ["-d", "-S", "-aet", "PACS", "-aec", "TBSCREEN", "-aem", destination, .. keys.SelectMany(k => new[] { "-k", k }), "127.0.0.1", portText];
            return Dcmtk.Run("movescu", arguments).Output;
        }

        string moved = Move("VIEWER", "QueryRetrieveLevel=STUDY", $"StudyInstanceUID={study}");
        // dcmtk's own reading of our C-MOVE-RSP.
        Assert.Matches(@"DIMSE Status +: 0x0000: Success", moved);
        Assert.Matches(@"Completed Suboperations +: 2\n", moved);
        Assert.Matches(@"Failed Suboperations +: 0\n", moved);
        var received = await WaitForFilesAsync(Path.Combine(work, "viewer"), 2, node);
        var rows = await objects.ObjectsAsync(10);
        Assert.Equal(rows.Select(r => r.SopInstanceUid).Order(StringComparer.Ordinal),
            received.Select(f => new TbScreen.Dicom.DicomReader().Read(f).Dataset.GetString(TbScreen.Dicom.DicomTag.SopInstanceUid)!).Order(StringComparer.Ordinal));

        string refused = Move("ELSEWHERE", "QueryRetrieveLevel=STUDY", $"StudyInstanceUID={study}");
        Assert.Matches(@"DIMSE Status +: 0xa801", refused); // Move Destination unknown
        string noSeries = Move("VIEWER", "QueryRetrieveLevel=SERIES", $"StudyInstanceUID={study}");
        Assert.Matches(@"DIMSE Status +: 0xa900", noSeries); // the identifier does not match the SOP class
        Assert.Equal(2, Directory.GetFiles(Path.Combine(work, "viewer")).Length);

        var trail = await new EfScreeningStore(contexts).AuditTrailAsync(50);
        Assert.Contains(trail, e => e.Action == "dicom.cmove" && e.Actor == "dicom:PACS" && e.Detail == "STUDY level to VIEWER: 2 sent, 0 failed");
    }

    /// <summary>
    /// Orthanc as the PACS that queries and retrieves: its C-FIND at patient level (Patient Root) and at study level
    /// find the node's results, and its retrieve (a C-MOVE to its own AE) brings the SR and capture into Orthanc.
    /// </summary>
    [SkippableFact]
    public async Task Orthanc_queries_the_node_by_patient_and_study_and_retrieves_the_results()
    {
        Dcmtk.Require();
        string work = Directory.CreateTempSubdirectory("tbscreen-listen-orthanc-qr").FullName;
        int port = FreePort();
        using var orthanc = new OrthancServer("TBSCREEN", port);
        Skip.If(orthanc.SkipReason is not null, orthanc.SkipReason);
        using var screened = await NodeWithResultsAsync(work, port, "--move-destination", $"ORTHANC@127.0.0.1:{orthanc.DicomPort}");
        string patient = screened.Source.GetString(TbScreen.Dicom.DicomTag.PatientId)!;
        string study = screened.Source.GetString(TbScreen.Dicom.DicomTag.StudyInstanceUid)!;

        async Task<(string Id, JsonElement[] Answers)> QueryAsync(string level, Dictionary<string, string> keys)
        {
            var asked = await orthanc.Http.PostAsync("modalities/tbscreen/query", new StringContent(JsonSerializer.Serialize(new { Level = level, Query = keys })));
            Assert.True(asked.IsSuccessStatusCode, await asked.Content.ReadAsStringAsync() + screened.Node.Log);
            string id = JsonDocument.Parse(await asked.Content.ReadAsStringAsync()).RootElement.GetProperty("ID").GetString()!;
            var answers = JsonDocument.Parse(await orthanc.Http.GetStringAsync($"queries/{id}/answers?expand&simplify")).RootElement.EnumerateArray().Select(a => a.Clone()).ToArray();
            return (id, answers);
        }

        var (_, patients) = await QueryAsync("Patient", new() { ["PatientID"] = patient, ["PatientName"] = "" });
        var (studyQuery, studies) = await QueryAsync("Study", new() { ["PatientID"] = patient, ["StudyInstanceUID"] = "" });
        var (_, nobody) = await QueryAsync("Study", new() { ["PatientID"] = "NO-SUCH-PATIENT" });

        Assert.Equal(patient, Assert.Single(patients).GetProperty("PatientID").GetString());
        Assert.Equal(study, Assert.Single(studies).GetProperty("StudyInstanceUID").GetString());
        Assert.Empty(nobody);
        var retrieve = await orthanc.Http.PostAsync($"queries/{studyQuery}/retrieve", new StringContent(JsonSerializer.Serialize(new { TargetAet = "ORTHANC", Synchronous = true })));
        Assert.True(retrieve.IsSuccessStatusCode, await retrieve.Content.ReadAsStringAsync() + screened.Node.Log);
        var stored = JsonDocument.Parse(await orthanc.Http.GetStringAsync("instances?expand")).RootElement.EnumerateArray()
            .Select(i => i.GetProperty("MainDicomTags").GetProperty("SOPInstanceUID").GetString()!).Order(StringComparer.Ordinal);
        Assert.Equal((await screened.Objects.ObjectsAsync(10)).Select(r => r.SopInstanceUid).Order(StringComparer.Ordinal), stored);
        var trail = await new EfScreeningStore(screened.Contexts).AuditTrailAsync(50);
        Assert.Contains(trail, e => e.Action == "dicom.cfind" && e.Actor == "dicom:ORTHANC" && e.Detail!.StartsWith("patient level", StringComparison.Ordinal));
        Assert.Contains(trail, e => e.Action == "dicom.cmove" && e.Actor == "dicom:ORTHANC" && e.Detail == "STUDY level to ORTHANC: 2 sent, 0 failed");
    }

    /// <summary>
    /// `tbscreen pull` screens a PACS archive: Orthanc holds a chest radiograph; pull finds it by C-FIND (a CT search
    /// finds nothing) and has Orthanc C-MOVE it to the running node, which screens it and builds its SR and capture.
    /// Then without the node: C-GET into a folder (the radiograph's content intact) and `screen` the folder. An
    /// unreachable PACS is exit 5 naming it; a pull without a destination is a usage error.
    /// </summary>
    [SkippableFact]
    public async Task Pull_has_a_PACS_send_its_chest_studies_to_the_node_which_screens_them()
    {
        Dcmtk.Require();
        string work = Directory.CreateTempSubdirectory("tbscreen-pull").FullName;
        int port = FreePort();
        using var orthanc = new OrthancServer("TBSCREEN", port);
        Skip.If(orthanc.SkipReason is not null, orthanc.SkipReason);
        using var node = Node(port, work, forward: null);
        await node.WaitForAsync("listening on");
        string sample = Path.Combine(Samples, "phantom-explicit-le-mono2.dcm");
        // The study holds two radiographs: the sample, and a second view of it with its own SOP Instance UID.
        var secondView = new TbScreen.Dicom.DicomReader().Read(sample).Dataset;
        TbScreen.Dicom.Writing.DicomDatasetExtensions.AddString(secondView, TbScreen.Dicom.DicomTag.SopInstanceUid, "UI", secondView.GetString(TbScreen.Dicom.DicomTag.SopInstanceUid) + ".2");
        foreach (byte[] image in new[] { File.ReadAllBytes(sample), TbScreen.Dicom.Writing.DicomWriter.Write(secondView, TbScreen.Dicom.TransferSyntax.ExplicitVrLittleEndianUid) })
        {
            var upload = await orthanc.Http.PostAsync("instances", new ByteArrayContent(image));
            Assert.True(upload.IsSuccessStatusCode, await upload.Content.ReadAsStringAsync());
        }

        string study = secondView.GetString(TbScreen.Dicom.DicomTag.StudyInstanceUid)!;
        string pacs = $"ORTHANC@127.0.0.1:{orthanc.DicomPort}";

        var (listed, listing, listError) = CliRunner.Run("pull", "--from", pacs, "--dry-run");
        var (_, computedTomography, _) = CliRunner.Run("pull", "--from", pacs, "--modality", "CT", "--dry-run");
        var (pulled, pulling, pullError) = CliRunner.Run("pull", "--from", pacs, "--move-to", "TBSCREEN");

        Assert.True(listed == 0, listError);
        Assert.Contains("1 studies match (CR, DX)", listing, StringComparison.Ordinal);
        Assert.Contains(study, listing, StringComparison.Ordinal);
        Assert.Contains("0 studies match (CT)", computedTomography, StringComparison.Ordinal);
        Assert.True(pulled == 0, pullError + pulling);
        Assert.Contains($"study 1/1 {study}: 2 sent, 0 failed", pulling, StringComparison.Ordinal);
        Assert.Contains("study 1/1: 1 sent, 0 failed, 1 to go", pullError, StringComparison.Ordinal); // Orthanc's Pending response, as progress
        var objects = await ResultObjectsAsync(work, 4, node);

        Assert.All(await objects.ObjectsAsync(10), o => Assert.Equal(study, o.StudyInstanceUid));

        // Without the node: C-GET into a folder, then screen the folder.
        string folder = Path.Combine(work, "pulled");
        var (got, getting, getError) = CliRunner.Run("pull", "--from", pacs, "--get-to", folder);
        Assert.True(got == 0, getError + getting);
        Assert.Contains($"study 1/1 {study}: 2 received, 0 not taken or failed", getting, StringComparison.Ordinal);
        var original = new TbScreen.Dicom.DicomReader().Read(sample).Dataset;
        string retrieved = Path.Combine(folder, original.GetString(TbScreen.Dicom.DicomTag.SopInstanceUid)!.Trim('\0') + ".dcm");
        Assert.Equal(2, Directory.GetFiles(folder).Length);
        DataSetComparison.AssertSameContent(original, new TbScreen.Dicom.DicomReader().Read(retrieved).Dataset);
        var (screenedCode, screenedOut, screenedError) = CliRunner.Run("screen", folder, "--models", Path.Combine(SharedDicomData.RepositoryRoot, "models"));
        Assert.True(screenedCode == 0, screenedError);
        Assert.Contains(Path.GetFileName(retrieved), screenedOut, StringComparison.Ordinal);
        var (unreachable, _, unreachableError) = CliRunner.Run("pull", "--from", $"NOBODY@127.0.0.1:{FreePort()}", "--dry-run");
        Assert.Equal(5, unreachable);
        Assert.Contains("NOBODY@127.0.0.1", unreachableError, StringComparison.Ordinal);
        var (usage, _, usageError) = CliRunner.Run("pull", "--from", pacs);
        Assert.Equal(2, usage);
        Assert.Contains("--screen (into the node's database), --move-to (the AE the PACS sends to) or --get-to (a folder) is required", usageError, StringComparison.Ordinal);
        var (badDate, _, badDateError) = CliRunner.Run("pull", "--from", pacs, "--study-date", "2026-01-01", "--dry-run");
        Assert.Equal(2, badDate);
        Assert.Contains("--study-date '2026-01-01' is not a DICOM date or range", badDateError, StringComparison.Ordinal);
    }

    /// <summary>
    /// `pull` over TLS, against a node that requires client certificates: with ours it finds the node's study (by its
    /// OT capture) and gets the capture's series into a folder (the SR's series is not asked for); without TLS it is refused.
    /// </summary>
    [SkippableFact]
    public async Task Pull_over_TLS_gets_from_a_TLS_node_and_a_plain_pull_is_refused()
    {
        Dcmtk.Require();
        using var pki = new TestCertificates();
        string work = Directory.CreateTempSubdirectory("tbscreen-pull-tls").FullName;
        int port = FreePort();
        string portText = port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        using var node = Node(port, work, forward: null, "--tls-cert", pki.ServerCertificatePath, "--tls-key", pki.ServerKeyPath, "--tls-client-ca", pki.CaPath);
        await node.WaitForAsync("listening on");
        var (stored, storeOutput) = Dcmtk.Run("storescu", "-aet", "MODALITY", "-aec", "TBSCREEN", "+tls", pki.ClientKeyPath, pki.ClientCertificatePath, "+cf", pki.CaPath,
            "localhost", portText, Path.Combine(Samples, "phantom-explicit-le-mono2.dcm"));
        Assert.True(stored == 0, storeOutput);
        var objects = await ResultObjectsAsync(work, 2, node);

        string folder = Path.Combine(work, "pulled");
        var (code, output, error) = CliRunner.Run("pull", "--from", $"TBSCREEN@localhost:{portText}", "--modality", "OT", "--get-to", folder,
            "--tls-ca", pki.CaPath, "--tls-cert", pki.ClientCertificatePath, "--tls-key", pki.ClientKeyPath);
        var (plain, _, plainError) = CliRunner.Run("pull", "--from", $"TBSCREEN@localhost:{portText}", "--modality", "OT", "--dry-run");

        Assert.True(code == 0, error + output);
        Assert.Contains("1 received, 0 not taken or failed", output, StringComparison.Ordinal); // only the OT series is asked for, not the SR's
        var capture = new TbScreen.Dicom.DicomReader().Read(Assert.Single(Directory.GetFiles(folder)));
        Assert.Equal((await objects.ObjectsAsync(10)).Single(o => o.Kind == "sc").SopInstanceUid, capture.Dataset.GetString(TbScreen.Dicom.DicomTag.SopInstanceUid));
        Assert.Equal(5, plain);
        Assert.Contains("TBSCREEN@localhost", plainError, StringComparison.Ordinal);
    }

    /// <summary>
    /// `tbscreen echo`, the first check when connecting a PACS: dcmtk's storescp answers; our node rejects a wrong
    /// called AE title, and the message says so; nobody listening is exit 5 naming the peer.
    /// </summary>
    [SkippableFact]
    public async Task Echo_checks_that_a_peer_answers_and_accepts_our_titles()
    {
        Dcmtk.Require();
        string work = Directory.CreateTempSubdirectory("tbscreen-echo").FullName;
        using var pacs = await Dcmtk.StartStoreScpAsync("PACS", Path.Combine(work, "pacs"), "+xa");
        int port = FreePort();
        using var node = Node(port, work, forward: null);
        await node.WaitForAsync("listening on");

        var (answered, output, error) = CliRunner.Run("echo", $"PACS@127.0.0.1:{pacs.Port}");
        var (rejected, _, rejection) = CliRunner.Run("echo", $"SOMEONE@127.0.0.1:{port}");
        var (nobody, _, unreachable) = CliRunner.Run("echo", $"NOBODY@127.0.0.1:{FreePort()}");
        var (usage, _, _) = CliRunner.Run("echo", "not-a-peer");

        Assert.True(answered == 0, error);
        Assert.Contains($"PACS@127.0.0.1:{pacs.Port}: C-ECHO answered success", output, StringComparison.Ordinal);
        Assert.Equal(5, rejected);
        Assert.Contains("association rejected (permanent)", rejection, StringComparison.Ordinal);
        Assert.Contains("alled AE", rejection, StringComparison.Ordinal);
        Assert.Equal(5, nobody);
        Assert.Contains("NOBODY@127.0.0.1", unreachable, StringComparison.Ordinal);
        Assert.Equal(2, usage);
    }

    /// <summary>
    /// C-GET with dcmtk's getscu as a viewer that cannot be called back: the study's SR and capture come back over its
    /// own association, with no destination configured, with the content they were stored with; the get is audited.
    /// Then Patient Root, dcmtk's default model: findscu finds the patient, getscu gets all their objects.
    /// </summary>
    [SkippableFact]
    public async Task Getscu_pulls_a_studys_results_over_its_own_association()
    {
        Dcmtk.Require();
        string work = Directory.CreateTempSubdirectory("tbscreen-listen-get").FullName;
        using var screened = await NodeWithResultsAsync(work);
        var (node, portText, contexts, objects) = (screened.Node, screened.Port, screened.Contexts, screened.Objects);
        string study = screened.Source.GetString(TbScreen.Dicom.DicomTag.StudyInstanceUid)!;

        string folder = Path.Combine(work, "viewer");
        Directory.CreateDirectory(folder);
        var (code, output) = Dcmtk.Run("getscu", "-v", "-S", "-aet", "VIEWER", "-aec", "TBSCREEN", "-k", "QueryRetrieveLevel=STUDY", "-k", $"StudyInstanceUID={study}",
            "-od", folder, "127.0.0.1", portText);

        Assert.True(code == 0, output);
        Assert.Contains("Received C-GET Response (Success)", output, StringComparison.Ordinal);
        Assert.DoesNotContain("Release Failed", output, StringComparison.Ordinal);
        var content = ContentStores.Open(Path.Combine(work, "store"), encrypt: true); // the node's own key file, next to the store
        foreach (var row in await objects.ObjectsAsync(10))
        {
            string got = Assert.Single(Directory.GetFiles(folder), f => f.EndsWith(row.SopInstanceUid, StringComparison.Ordinal));
            var expected = new TbScreen.Dicom.DicomReader().Parse(content.Get(row.ContentSha256)!, "stored").Dataset;
            DataSetComparison.AssertSameContent(expected, new TbScreen.Dicom.DicomReader().Read(got).Dataset);
        }

        // Patient Root, dcmtk's default model: find the patient, then get everything of theirs.
        string patient = screened.Source.GetString(TbScreen.Dicom.DicomTag.PatientId)!;
        string patients = Path.Combine(work, "patients");
        Directory.CreateDirectory(patients);
        var (found, findOutput) = Dcmtk.Run("findscu", "-v", "-P", "-aet", "VIEWER", "-aec", "TBSCREEN", "-X", "-od", patients, "-k", "QueryRetrieveLevel=PATIENT",
            "-k", $"PatientID={patient}", "-k", "PatientName", "-k", "NumberOfPatientRelatedStudies", "-k", "NumberOfPatientRelatedInstances", "127.0.0.1", portText);
        Assert.True(found == 0, findOutput);
        var match = new TbScreen.Dicom.DicomReader().Read(Assert.Single(Directory.GetFiles(patients))).Dataset;
        Assert.Equal((patient, "PATIENT", 1, 2), (match.GetString(TbScreen.Dicom.DicomTag.PatientId), match.GetString(0x00080052), match.GetInt(0x00201200), match.GetInt(0x00201204)));
        string byPatient = Path.Combine(work, "by-patient");
        Directory.CreateDirectory(byPatient);
        var (gotPatient, patientOutput) = Dcmtk.Run("getscu", "-v", "-P", "-aet", "VIEWER", "-aec", "TBSCREEN", "-k", "QueryRetrieveLevel=PATIENT", "-k", $"PatientID={patient}",
            "-od", byPatient, "127.0.0.1", portText);
        Assert.True(gotPatient == 0, patientOutput);
        Assert.Equal(2, Directory.GetFiles(byPatient).Length);

        var trail = await new EfScreeningStore(contexts).AuditTrailAsync(50);
        Assert.Contains(trail, e => e.Action == "dicom.cget" && e.Actor == "dicom:VIEWER" && e.Detail == "STUDY level: 2 sent, 0 failed");
        Assert.Contains(trail, e => e.Action == "dicom.cget" && e.Detail == "PATIENT level: 2 sent, 0 failed");
        Assert.Contains(trail, e => e.Action == "dicom.cfind" && e.Detail!.StartsWith("patient level", StringComparison.Ordinal) && e.Detail.EndsWith("1 matches", StringComparison.Ordinal));
        Assert.DoesNotContain(patient, node.Log);
    }

    /// <summary>A node on a free port that has received the phantom from storescu and built its SR and capture.</summary>
    private static Task<NodeWithResults> NodeWithResultsAsync(string work, params string[] extra) => NodeWithResultsAsync(work, FreePort(), extra);

    private static async Task<NodeWithResults> NodeWithResultsAsync(string work, int port, params string[] extra)
    {
        string portText = port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var node = Node(port, work, forward: null, extra);
        try
        {
            await node.WaitForAsync("listening on");
            string sample = Path.Combine(Samples, "phantom-explicit-le-mono2.dcm");
            var (stored, storeOutput) = Dcmtk.Run("storescu", "-aet", "MODALITY", "-aec", "TBSCREEN", "127.0.0.1", portText, sample);
            Assert.True(stored == 0, storeOutput);
            var objects = await ResultObjectsAsync(work, 2, node);
            return new NodeWithResults(node, portText, new TbScreen.Dicom.DicomReader().Read(sample).Dataset, NodeDatabase(work), objects);
        }
        catch
        {
            node.Dispose();
            throw;
        }
    }

    private static ScreeningDbContextFactory NodeDatabase(string work) => new(new PersistenceOptions { ConnectionString = Path.Combine(work, "node.db") });

    /// <summary>The node's result objects once there are <paramref name="count"/> of them (its screening is asynchronous).</summary>
    private static async Task<DicomOutboxStore> ResultObjectsAsync(string work, int count, CliProcess node)
    {
        var objects = new DicomOutboxStore(NodeDatabase(work));
        var clock = Stopwatch.StartNew();
        while ((await objects.ObjectsAsync(10)).Count < count)
        {
            Assert.True(clock.Elapsed < TimeSpan.FromMinutes(2), $"{count} result objects were not built:\n" + node.Log);
            await Task.Delay(200);
        }

        return objects;
    }

    private static CliProcess Node(int port, string work, string? forward, params string[] extra)
    {
        var args = new List<string>
        {
            "listen", "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--ae-title", "TBSCREEN", "--db", Path.Combine(work, "node.db"), "--store", Path.Combine(work, "store"),
            "--models", Path.Combine(SharedDicomData.RepositoryRoot, "models"),
        };
        if (forward is not null)
        {
            args.AddRange(["--forward-results", forward]);
        }

        args.AddRange(extra);
        return CliProcess.Start(args);
    }

    private static async Task<string[]> WaitForFilesAsync(string folder, int count, CliProcess node)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromMinutes(2))
        {
            var files = Directory.Exists(folder) ? Directory.GetFiles(folder) : [];
            if (files.Length >= count)
            {
                await Task.Delay(200); // storescp finishes writing the last one
                return Directory.GetFiles(folder);
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"fewer than {count} objects reached the PACS:\n{node.Log}");
    }

    private static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    private sealed record NodeWithResults(CliProcess Node, string Port, TbScreen.Dicom.DicomDataset Source, ScreeningDbContextFactory Contexts, DicomOutboxStore Objects)
        : IDisposable
    {
        public void Dispose() => Node.Dispose();
    }
}

using TbScreen.Dicom;
using TbScreen.Dicom.Tests.TestData;
using TbScreen.Pacs;
using TbScreen.Screening.Persistence;

namespace TbScreen.Cli.Tests.Pacs;

/// <summary>`tbscreen pull --screen`: an archive's studies got by C-GET into the node's database and screened there.</summary>
public sealed partial class ListenCommandTests
{
    /// <summary>
    /// Orthanc holds a chest radiograph. `pull --screen --forward-results` finds it, gets it into the node's encrypted
    /// store and database and screens it: one item, status ok, whose SR and capture reach Orthanc. The pull is recorded as the
    /// command line's (host cli, actor cli:USER) and audited. `--resume` goes on with an unfinished command-line pull
    /// at the study it stood at (the same radiograph is one item, screened once; the study's SR and capture, now in
    /// Orthanc too, are not asked for) and leaves the dashboard's pulls to the dashboard. Neither output names the patient.
    /// </summary>
    [SkippableFact]
    public async Task Pull_screen_gets_an_archive_study_into_the_node_database_and_screens_it_and_resume_goes_on()
    {
        string work = Directory.CreateTempSubdirectory("tbscreen-pull-screen").FullName;
        using var orthanc = new OrthancServer("TBSCREEN", FreePort());
        Skip.If(orthanc.SkipReason is not null, orthanc.SkipReason);
        string sample = Path.Combine(Samples, "phantom-explicit-le-mono2.dcm");
        var upload = await orthanc.Http.PostAsync("instances", new ByteArrayContent(File.ReadAllBytes(sample)));
        Assert.True(upload.IsSuccessStatusCode, await upload.Content.ReadAsStringAsync());
        string study = new DicomReader().Read(sample).Dataset.GetString(DicomTag.StudyInstanceUid)!;
        string pacs = $"ORTHANC@127.0.0.1:{orthanc.DicomPort}";
        string[] node = ["--db", Path.Combine(work, "node.db"), "--store", Path.Combine(work, "store"), "--models", Path.Combine(SharedDicomData.RepositoryRoot, "models")];

        // The results go back to the archive the study came from.
        var (code, output, error) = CliRunner.Run(["pull", "--from", pacs, "--screen", "--forward-results", pacs, .. node]);

        Assert.True(code == 0, error + output);
        Assert.Contains("1 studies match (CR, DX)", output, StringComparison.Ordinal);
        Assert.Contains($"study 1/1 {study}: 1 radiographs received, 0 objects not taken", output, StringComparison.Ordinal);
        Assert.Contains("pull 1: 1 of 1 studies, 1 radiographs received, 1 newly screened (", output, StringComparison.Ordinal);
        var contexts = NodeDatabase(work);
        var store = new EfScreeningStore(contexts);
        var job = (await store.FindJobByKeyAsync(ReceivedInstances.JobKey))!;
        Assert.Equal("ok", Assert.Single(await store.ItemsAsync(job.Id)).Status);
        var results = await new DicomOutboxStore(contexts).ObjectsAsync(10);
        Assert.Equal(2, results.Count); // the SR and the heatmap capture
        Assert.Contains($"2 result objects sent to {pacs}", output, StringComparison.Ordinal);
        var archived = System.Text.Json.JsonDocument.Parse(await orthanc.Http.GetStringAsync("instances?expand")).RootElement.EnumerateArray()
            .Select(i => i.GetProperty("MainDicomTags").GetProperty("SOPInstanceUID").GetString()!).ToList();
        Assert.All(results, r => Assert.Contains(r.SopInstanceUid, archived));
        var pulls = new ArchivePullStore(contexts);
        var recorded = Assert.Single(await pulls.RecentAsync(10));
        string actor = "cli:" + Environment.UserName;
        Assert.Equal((ArchivePullStore.CliHost, actor, 1, 1, true), (recorded.Host, recorded.StartedBy, recorded.StudiesDone, recorded.Received, recorded.Finished));
        var trail = await store.AuditTrailAsync(50);
        Assert.Contains(trail, e => e.Action == ArchivePullAudit.Found && e.Actor == actor && e.Target == "archive/ORTHANC" && e.Detail == "CR,DX: 1 studies");
        Assert.Contains(trail, e => e.Action == ArchivePullAudit.Started && e.Actor == actor && e.Detail == "pull 1, CR,DX: 1 studies");
        // The store is encrypted: no stored file holds the patient's name.
        Assert.All(Directory.GetFiles(Path.Combine(work, "store"), "*", SearchOption.AllDirectories),
            f => Assert.DoesNotContain("Phantom", System.Text.Encoding.Latin1.GetString(File.ReadAllBytes(f)), StringComparison.Ordinal));

        // An interrupted command-line pull (as a kill leaves it) and an unfinished dashboard pull of the same archive.
        var interrupted = await pulls.CreateAsync("ORTHANC", "CR,DX", actor, recorded.StudiesJson, 1, ArchivePullStore.CliHost);
        var dashboards = await pulls.CreateAsync("ORTHANC", "CR,DX", "admin", recorded.StudiesJson, 1, ArchivePullStore.WebHost);

        var (resumed, resumedOutput, resumedError) = CliRunner.Run(["pull", "--from", pacs, "--screen", "--resume", .. node]);

        Assert.True(resumed == 0, resumedError + resumedOutput);
        Assert.Contains($"resuming pull {interrupted.Id} at study 1 of 1", resumedOutput, StringComparison.Ordinal);
        // The study now also holds our SR and capture: only its CR series is asked for, so the radiograph still comes
        // (a study-level C-GET made Orthanc stop at the SR with C000 and never send it).
        Assert.Contains($"study 1/1 {study}: 1 radiographs received, 0 objects not taken", resumedOutput, StringComparison.Ordinal);
        Assert.Contains($"pull {interrupted.Id}: 1 of 1 studies, 1 radiographs received, 0 newly screened", resumedOutput, StringComparison.Ordinal);
        Assert.DoesNotContain($"pull {dashboards.Id}", resumedOutput, StringComparison.Ordinal);
        var after = await pulls.RecentAsync(10);
        Assert.True(after.Single(p => p.Id == interrupted.Id).Finished);
        Assert.False(after.Single(p => p.Id == dashboards.Id).Finished);
        Assert.Single(await store.ItemsAsync(job.Id)); // the same radiograph again: one item, not screened twice
        Assert.Contains(await store.AuditTrailAsync(50), e => e.Action == ArchivePullAudit.Resumed && e.Detail == $"pull {interrupted.Id} at study 1 of 1");
        var (nothingLeft, nothingOutput, _) = CliRunner.Run(["pull", "--from", pacs, "--screen", "--resume", .. node]);
        Assert.Equal(0, nothingLeft);
        Assert.Contains("no unfinished pull to resume", nothingOutput, StringComparison.Ordinal);
        Assert.DoesNotContain("Phantom", output + error + resumedOutput + resumedError, StringComparison.Ordinal);

        var (twoWays, _, twoWaysError) = CliRunner.Run("pull", "--from", pacs, "--screen", "--get-to", Path.Combine(work, "folder"));
        Assert.Equal(2, twoWays);
        Assert.Contains("--screen, --move-to and --get-to are three ways to retrieve: give one", twoWaysError, StringComparison.Ordinal);
        var (forwardAlone, _, forwardAloneError) = CliRunner.Run("pull", "--from", pacs, "--forward-results", pacs, "--get-to", Path.Combine(work, "folder"));
        Assert.Equal(2, forwardAlone);
        Assert.Contains("--forward-results sends what --screen screened: give --screen", forwardAloneError, StringComparison.Ordinal);
        var (resumeAlone, _, resumeAloneError) = CliRunner.Run("pull", "--from", pacs, "--resume", "--get-to", Path.Combine(work, "folder"));
        Assert.Equal(2, resumeAlone);
        Assert.Contains("--resume goes on with an unfinished --screen pull", resumeAloneError, StringComparison.Ordinal);
    }
}

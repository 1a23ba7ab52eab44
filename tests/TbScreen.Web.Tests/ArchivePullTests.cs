using System.Diagnostics;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using TbScreen.Cli.Tests.Pacs;
using TbScreen.Dicom.Network.Tests.Support;
using TbScreen.Pacs;
using TbScreen.Screening.Persistence;
using TbScreen.Web.Identity;
using TbScreen.Web.Pacs;
using TbScreen.Web.Tests.Infrastructure;

namespace TbScreen.Web.Tests;

/// <summary>
/// Screening an archive from the dashboard: Orthanc holds a chest radiograph and a CT-free study list; the host finds
/// the radiograph's study by C-FIND, pulls it by C-GET into its receiving end, and screens it into the worklist.
/// Orthanc never needs to know the host's address (no port is set here). Finds and pulls are audited.
/// </summary>
public sealed class ArchivePullTests
{
    [SkippableFact]
    public async Task A_study_found_on_the_archive_is_pulled_and_screened_into_the_worklist()
    {
        string root = Path.Combine(Path.GetTempPath(), "tbscreen-web-tests", Guid.NewGuid().ToString("N"));
        using var orthanc = new OrthancServer("TBSCREEN", 104);
        Skip.If(orthanc.SkipReason is not null, orthanc.SkipReason);
        Directory.CreateDirectory(root);
        await StorePhantomAsync(orthanc);
        using var host = new TbScreenApiFactory(root, settings: new Dictionary<string, string?>
        {
            ["TbScreen:Dicom:Archives:0"] = $"ORTHANC@127.0.0.1:{orthanc.DicomPort}",
        });
        using var admin = await host.ClientAsAsync(Roles.Admin);
        var pulls = host.Services.GetRequiredService<ArchivePulls>();

        var nothing = await pulls.FindAsync("ORTHANC", new PullCriteria(Modalities: ["CT"]), "admin", CancellationToken.None);
        Assert.Empty(nothing);
        var criteria = new PullCriteria(Modalities: ["CR", "DX"]);
        var studies = await pulls.FindAsync("ORTHANC", criteria, "admin", CancellationToken.None);
        var study = Assert.Single(studies);
        Assert.Equal(1, study.Instances);

        var run = await pulls.StartAsync("ORTHANC", criteria, studies, "admin");
        var current = await FinishedAsync(pulls, run.Id);

        Assert.Equal((1, 1, 1, 0, 0, (string?)null), (current.Studies, current.StudiesDone, current.Received, current.NotTaken, current.Refused, current.Error));
        var store = host.Services.GetRequiredService<IScreeningStore>();
        await WaitForAResultAsync(store, "the pulled radiograph was not screened");

        var result = Assert.Single(await store.RecentResultsAsync(10));
        Assert.Equal(TbScreen.Screening.ScreeningStatus.Ok, result.Outcome.Status);
        var trail = await store.AuditTrailAsync(50);
        Assert.Contains(trail, e => e.Action == "dicom.pull.find" && e.Target == "archive/ORTHANC" && e.Detail == "CT: 0 studies");
        Assert.Contains(trail, e => e.Action == "dicom.pull" && e.Actor == "admin" && e.Detail == $"pull {run.Id}, CR,DX: 1 studies");

        string page = await admin.GetStringAsync("/admin/pacs");
        Assert.Contains("Screen studies from an archive", page);
        Assert.Contains($"ORTHANC (127.0.0.1:{orthanc.DicomPort})", page);
        Assert.Contains("done: 1/1 studies, 1 radiographs received, 0 objects not taken, 0 studies refused", page);
        Assert.Throws<ArgumentException>(() => pulls.FindAsync("ELSEWHERE", criteria, "admin", CancellationToken.None).GetAwaiter().GetResult());
    }

    /// <summary>
    /// TbScreen:Dicom:ArchiveTls with Orthanc's DICOM TLS (mutual authentication): the study is found and pulled over
    /// TLS; a host without the setting cannot even ask.
    /// </summary>
    [SkippableFact]
    public async Task Over_TLS_a_study_is_found_and_pulled_and_a_plain_host_is_refused()
    {
        using var pki = new TestCertificates();
        using var orthanc = new OrthancServer("TBSCREEN", 104, settings: new Dictionary<string, object>
        {
            ["DicomTlsEnabled"] = true,
            ["DicomTlsCertificate"] = pki.ServerCertificatePath,
            ["DicomTlsPrivateKey"] = pki.ServerKeyPath,
            ["DicomTlsTrustedCertificates"] = pki.CaPath,
            ["DicomTlsRemoteCertificateRequired"] = true,
        });
        Skip.If(orthanc.SkipReason is not null, orthanc.SkipReason);
        await StorePhantomAsync(orthanc);
        string archive = $"ORTHANC@localhost:{orthanc.DicomPort}";
        using var host = new TbScreenApiFactory(Path.Combine(Path.GetTempPath(), "tbscreen-web-tests", Guid.NewGuid().ToString("N")), settings: new Dictionary<string, string?>
        {
            ["TbScreen:Dicom:Archives:0"] = archive,
            ["TbScreen:Dicom:ArchiveTls:TrustedServerCertificates"] = pki.CaPath,
            ["TbScreen:Dicom:ArchiveTls:Certificate"] = pki.ClientCertificatePath,
            ["TbScreen:Dicom:ArchiveTls:PrivateKey"] = pki.ClientKeyPath,
        });
        using var plain = new TbScreenApiFactory(Path.Combine(Path.GetTempPath(), "tbscreen-web-tests", Guid.NewGuid().ToString("N")), settings: new Dictionary<string, string?>
        {
            ["TbScreen:Dicom:Archives:0"] = archive,
        });
        var pulls = host.Services.GetRequiredService<ArchivePulls>();

        var criteria = new PullCriteria();
        var studies = await pulls.FindAsync("ORTHANC", criteria, "admin", CancellationToken.None);
        var run = await pulls.StartAsync("ORTHANC", criteria, studies, "admin");

        var done = await FinishedAsync(pulls, run.Id);
        Assert.Equal((1, 1, (string?)null), (done.StudiesDone, done.Received, done.Error));
        await Assert.ThrowsAnyAsync<TbScreen.Dicom.Network.DicomNetworkException>(() =>
            plain.Services.GetRequiredService<ArchivePulls>().FindAsync("ORTHANC", criteria, "admin", CancellationToken.None));
    }

    [Fact]
    public async Task An_archive_that_cannot_be_reached_stops_the_pull_with_the_reason()
    {
        using var host = new TbScreenApiFactory(Path.Combine(Path.GetTempPath(), "tbscreen-web-tests", Guid.NewGuid().ToString("N")),
            settings: new Dictionary<string, string?> { ["TbScreen:Dicom:Archives:0"] = "GONE@127.0.0.1:9" });
        var pulls = host.Services.GetRequiredService<ArchivePulls>();

        await Assert.ThrowsAsync<TbScreen.Dicom.Network.DicomNetworkException>(() => pulls.FindAsync("GONE", new PullCriteria(), "admin", CancellationToken.None));
        var run = await pulls.StartAsync("GONE", new PullCriteria(), [new FoundStudy("1.2.3", "20260101", ["CR"], 1)], "admin");

        var progress = await FinishedAsync(pulls, run.Id);
        Assert.Equal((0, 0), (progress.StudiesDone, progress.Received));
        Assert.Contains("GONE@127.0.0.1:9", progress.Error, StringComparison.Ordinal);
    }

    /// <summary>
    /// A pull that a restart interrupted goes on at the next start: the host that found the study stops before pulling
    /// it (the pull is left as a shutdown leaves it), and a new host over the same database resumes and screens it.
    /// An unfinished pull of `tbscreen pull --screen` in the same database is left to `pull --resume`.
    /// </summary>
    [SkippableFact]
    public async Task A_pull_interrupted_by_a_restart_resumes_at_the_next_start()
    {
        string root = Path.Combine(Path.GetTempPath(), "tbscreen-web-tests", Guid.NewGuid().ToString("N"));
        using var orthanc = new OrthancServer("TBSCREEN", 104);
        Skip.If(orthanc.SkipReason is not null, orthanc.SkipReason);
        await StorePhantomAsync(orthanc);
        var settings = new Dictionary<string, string?> { ["TbScreen:Dicom:Archives:0"] = $"ORTHANC@127.0.0.1:{orthanc.DicomPort}" };
        long id, doneId, cliId;
        using (var before = new TbScreenApiFactory(root, deleteOnDispose: false, settings: settings))
        {
            var studies = await before.Services.GetRequiredService<ArchivePulls>().FindAsync("ORTHANC", new PullCriteria(), "admin", CancellationToken.None);
            var saved = before.Services.GetRequiredService<ArchivePullStore>();
            id = (await saved.CreateAsync("ORTHANC", "CR,DX", "admin", JsonSerializer.Serialize(studies), studies.Count, ArchivePullStore.WebHost)).Id;
            // Another, interrupted after its last study was pulled (5 radiographs, say): it must not pull that study again.
            doneId = (await saved.CreateAsync("ORTHANC", "CR,DX", "admin", JsonSerializer.Serialize(studies), studies.Count, ArchivePullStore.WebHost)).Id;
            // And one of `tbscreen pull --screen`, perhaps running now: only `pull --resume` goes on with it.
            cliId = (await saved.CreateAsync("ORTHANC", "CR,DX", "cli:staff", JsonSerializer.Serialize(studies), studies.Count, ArchivePullStore.CliHost)).Id;
            await saved.UpdateAsync(doneId, new ArchivePullState(StudiesDone: 1, Received: 5, NotTaken: 0, Refused: 0, Error: null, Finished: false));
        }

        using var after = new TbScreenApiFactory(root, settings: settings);
        var pulls = after.Services.GetRequiredService<ArchivePulls>();
        var resumed = await FinishedAsync(pulls, id);

        Assert.Equal((1, 1, (string?)null), (resumed.StudiesDone, resumed.Received, resumed.Error));
        var alreadyDone = await FinishedAsync(pulls, doneId);
        Assert.Equal((1, 5), (alreadyDone.StudiesDone, alreadyDone.Received));
        var store = after.Services.GetRequiredService<IScreeningStore>();
        await WaitForAResultAsync(store, "the resumed pull's radiograph was not screened");

        var trail = await store.AuditTrailAsync(50);
        Assert.Contains(trail, e => e.Action == "dicom.pull.resume" && e.Detail == $"pull {id} at study 1 of 1");
        Assert.DoesNotContain(trail, e => e.Action == "dicom.pull.resume" && e.Detail!.StartsWith($"pull {cliId} ", StringComparison.Ordinal));
        var commandLine = (await pulls.RecentAsync()).Single(p => p.Id == cliId);
        Assert.Equal((0, false), (commandLine.StudiesDone, commandLine.Finished));
    }

    /// <summary>The archive receives a fresh phantom chest radiograph (Orthanc's REST upload).</summary>
    private static async Task StorePhantomAsync(OrthancServer orthanc)
    {
        var upload = await orthanc.Http.PostAsync("instances", new ByteArrayContent(TestRadiographs.Phantom(TestRadiographs.NewSeed())));
        Assert.True(upload.IsSuccessStatusCode, await upload.Content.ReadAsStringAsync());
    }

    private static async Task WaitForAResultAsync(IScreeningStore store, string failure)
    {
        var clock = Stopwatch.StartNew();
        while ((await store.RecentResultsAsync(10)).Count == 0)
        {
            Assert.True(clock.Elapsed < TimeSpan.FromMinutes(2), failure);
            await Task.Delay(200);
        }
    }

    private static async Task<ArchivePullInfo> FinishedAsync(ArchivePulls pulls, long id)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            if ((await pulls.RecentAsync()).FirstOrDefault(p => p.Id == id) is { Finished: true } done)
            {
                return done;
            }

            Assert.True(clock.Elapsed < TimeSpan.FromMinutes(1), $"pull {id} did not finish");
            await Task.Delay(100);
        }
    }
}

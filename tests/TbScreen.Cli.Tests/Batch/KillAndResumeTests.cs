using System.Diagnostics;
using TbScreen.Dicom.Tests.TestData;
using TbScreen.Screening.Persistence;

namespace TbScreen.Cli.Tests.Batch;

/// <summary>
/// The built tbscreen.dll as a child process on the shipped models: killed (SIGKILL, whole tree) in the middle of a
/// batch, then started again. Every file must appear exactly once in the output, and the rerun must not screen again
/// what the killed run had finished (the job store counts each item's attempts).
/// </summary>
public sealed class KillAndResumeTests
{
    private const int FileCount = 40;
    private const string JobId = "kill-and-resume";

    [Fact]
    public async Task A_batch_killed_midway_resumes_without_losing_duplicating_or_redoing_items()
    {
        string folder = BatchFolder.Create();
        for (int i = 0; i < FileCount; i++)
        {
            BatchFolder.Write(folder, $"cxr-{i:00}.dcm", BatchFolder.Dicom(100 + i, rows: 384, columns: 320));
        }

        string outDir = BatchFolder.Create();
        string output = Path.Combine(outDir, "results.csv");
        string db = Path.Combine(outDir, "jobs.db");
        string[] args = ["screen", folder, "--out", output, "--jobs", "1", "--db", db, "--job", JobId];

        using (var first = Start(args))
        {
            // Kill once some rows are out (rows stream in input order with --jobs 1), well before the end.
            var clock = Stopwatch.StartNew();
            while (RowCount(output) < 6 && !first.HasExited && clock.Elapsed < TimeSpan.FromSeconds(60))
            {
                await Task.Delay(5);
            }

            Assert.False(first.HasExited, "the first run finished before it could be killed");
            first.KillHard();
        }

        var store = new EfScreeningStore(new ScreeningDbContextFactory(new PersistenceOptions { ConnectionString = db }));
        var job = (await store.FindJobByKeyAsync(JobId))!;
        var doneBeforeKill = (await store.ItemsAsync(job.Id)).Where(i => !i.IsPending).Select(i => i.Path).ToHashSet();
        Assert.InRange(doneBeforeKill.Count, 5, FileCount - 1);

        using (var second = Start(args))
        {
            int code = await second.WaitForExitAsync();
            Assert.True(code == 0, second.Log);
            Assert.Contains($"{FileCount - doneBeforeKill.Count} screened now, {doneBeforeKill.Count} from job {JobId}", second.Log);
        }

        var rows = CsvTable.Records(output);
        var expected = Enumerable.Range(0, FileCount).Select(i => Path.Combine(folder, $"cxr-{i:00}.dcm")).ToList();
        Assert.Equal(expected, rows.Select(r => r["path"]));
        Assert.All(rows, r => Assert.Equal("ok", r["status"]));

        var items = await store.ItemsAsync(job.Id);
        Assert.Equal(FileCount, items.Count);
        Assert.All(items, i => Assert.False(i.IsPending));
        // Finished items were not started again. Only items started but not yet committed at the kill are screened
        // again: the one in the worker and those queued for the store (the results channel holds 2 x jobs).
        Assert.All(items.Where(i => doneBeforeKill.Contains(i.Path)), i => Assert.Equal(1, i.Attempts));
        Assert.InRange(items.Sum(i => i.Attempts), FileCount, FileCount + 3);
        var final = (await store.GetJobAsync(job.Id))!;
        Assert.Equal((FileCount, FileCount, 0, BatchJobStates.Completed), (final.Total, final.Succeeded, final.Failed, final.State));
    }

    private static Distributed.CliProcess Start(string[] args) =>
        Distributed.CliProcess.Start([.. args, "--models", Path.Combine(SharedDicomData.RepositoryRoot, "models")]);

    /// <summary>Complete CSV records written so far (the header excluded).</summary>
    private static int RowCount(string path)
    {
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            using var reader = new StreamReader(stream);
            return Math.Max(0, reader.ReadToEnd().Split("\r\n").Length - 2);
        }
        catch (FileNotFoundException)
        {
            return 0;
        }
    }
}

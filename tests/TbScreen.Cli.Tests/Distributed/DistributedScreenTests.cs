using System.Diagnostics;
using RabbitMQ.Client;
using TbScreen.Broker;
using TbScreen.Cli.Tests.Batch;
using TbScreen.Inference.Tests.TestModels;
using TbScreen.Screening.Jobs;
using TbScreen.Screening.Persistence;

namespace TbScreen.Cli.Tests.Distributed;

/// <summary>
/// `screen --broker` with real `tbscreen worker` processes, a real RabbitMQ node and a real PostgreSQL server:
/// the same rows as a local run, no item lost or duplicated when workers are killed or the broker restarts,
/// poison messages dead-lettered to processing-failed, and workers that never take another model version's items.
/// </summary>
[Trait("Category", "Distributed")]
public sealed class DistributedScreenTests(DistributedServices services) : IClassFixture<DistributedServices>
{
    [SkippableFact]
    public async Task A_distributed_run_writes_exactly_the_rows_of_a_local_run_and_a_rerun_resumes_it()
    {
        Skip.If(services.SkipReason is not null, services.SkipReason);
        var (broker, database) = services.NewEnvironment();
        string models = TestBundles.WriteEnsemble();
        var (folder, expected) = BatchFolder.Mixed();
        string local = Path.Combine(BatchFolder.Create(), "local.csv");
        string distributed = Path.Combine(BatchFolder.Create(), "distributed.csv");

        var (localCode, _, localErr) = CliRunner.Run("screen", folder, "-r", "--out", local, "--models", models, "--jobs", "2");
        using var first = CliProcess.StartWorker(broker, database, models);
        using var second = CliProcess.StartWorker(broker, database, models);
        await Task.WhenAll(first.WaitUntilConsumingAsync(), second.WaitUntilConsumingAsync());
        string[] args = ["screen", folder, "-r", "--out", distributed, "--models", models, "--broker", broker, "--db", database];
        var (code, _, stderr) = await Task.Run(() => CliRunner.Run(args));

        Assert.True(code == localCode, $"{stderr}\n{localErr}");
        Assert.Equal(1, code);
        Assert.Contains($"{expected.Length} screened now by workers, 0 from job", stderr);
        var localRows = CsvTable.Records(local);
        var rows = CsvTable.Records(distributed);
        Assert.Equal(expected.Select(e => e.Status), rows.Select(r => r["status"]));
        Assert.Equal(localRows.Count, rows.Count);
        AssertSameRows(localRows, rows);

        // Both workers took part, and the password never reached their logs.
        Assert.All([first.Log, second.Log], log => Assert.DoesNotContain("guest:guest", log));

        var (again, _, againErr) = await Task.Run(() => CliRunner.Run(args));
        Assert.Equal(1, again);
        Assert.Contains($"0 screened now by workers, {expected.Length} from job", againErr);
    }

    [SkippableFact]
    public async Task A_site_profile_travels_to_the_workers_and_decides_the_rows_as_it_does_locally()
    {
        Skip.If(services.SkipReason is not null, services.SkipReason);
        var (broker, database) = services.NewEnvironment();
        string models = TestBundles.WriteEnsemble();
        var (folder, _) = BatchFolder.Mixed();
        string site = Path.Combine(BatchFolder.Create(), "site.json");
        File.WriteAllText(site, "{\"threshold\": 0.2, \"site\": \"clinic\", \"version\": 4}");
        string local = Path.Combine(BatchFolder.Create(), "local.csv");
        string shipped = Path.Combine(BatchFolder.Create(), "shipped.csv");
        string distributed = Path.Combine(BatchFolder.Create(), "distributed.csv");
        CliRunner.Run("screen", folder, "-r", "--out", local, "--models", models, "--site-profile", site);
        using var worker = CliProcess.StartWorker(broker, database, models);
        await worker.WaitUntilConsumingAsync();

        // The same images first without the profile, so the database holds results decided at the shipped threshold.
        await Task.Run(() => CliRunner.Run("screen", folder, "-r", "--out", shipped, "--models", models, "--broker", broker, "--db", database));
        var (code, _, stderr) = await Task.Run(() => CliRunner.Run("screen", folder, "-r", "--out", distributed, "--models", models, "--broker", broker, "--db", database, "--site-profile", site));

        Assert.True(code == 1, stderr);
        var localRows = CsvTable.Records(local);
        var rows = CsvTable.Records(distributed);
        Assert.Equal(localRows.Count, rows.Count);
        Assert.Contains(rows, r => r["decidedBy"] == "clinic v4");
        AssertSameRows(localRows, rows);

        Assert.Contains(CsvTable.Records(shipped), r => r["decidedBy"] == "shipped threshold");
    }

    /// <summary>
    /// The stability check travels in each message as a profile does: the workers run it, and their rows, flags
    /// included, are those of the local run. A plain run of the same images first leaves unchecked results in the
    /// database, which the checked run must not reuse.
    /// </summary>
    [SkippableFact]
    public async Task A_stability_check_travels_to_the_workers_and_flags_the_rows_as_it_does_locally()
    {
        Skip.If(services.SkipReason is not null, services.SkipReason);
        var (broker, database) = services.NewEnvironment();
        string models = TestBundles.WriteEnsemble();
        var (folder, _) = BatchFolder.Mixed();
        string local = Path.Combine(BatchFolder.Create(), "local.csv");
        string plain = Path.Combine(BatchFolder.Create(), "plain.csv");
        string distributed = Path.Combine(BatchFolder.Create(), "distributed.csv");
        string[] check = ["--stability-check", "--stability-eps", "0.3"];
        CliRunner.Run(["screen", folder, "-r", "--out", local, "--models", models, .. check]);
        using var worker = CliProcess.StartWorker(broker, database, models);
        await worker.WaitUntilConsumingAsync();

        await Task.Run(() => CliRunner.Run("screen", folder, "-r", "--out", plain, "--models", models, "--broker", broker, "--db", database));
        var (code, _, stderr) = await Task.Run(() => CliRunner.Run(["screen", folder, "-r", "--out", distributed, "--models", models, "--broker", broker, "--db", database, .. check]));

        Assert.True(code == 1, stderr);
        var localRows = CsvTable.Records(local);
        Assert.Contains(localRows, r => r["flag"].Contains("unstable", StringComparison.Ordinal));
        Assert.DoesNotContain(CsvTable.Records(plain), r => r["flag"].Contains("unstable", StringComparison.Ordinal));
        AssertSameRows(localRows, CsvTable.Records(distributed));
    }

    /// <summary>Every field but the time taken.</summary>
    private static void AssertSameRows(List<Dictionary<string, string>> localRows, List<Dictionary<string, string>> rows)
    {
        Assert.Equal(localRows.Count, rows.Count);
        for (int i = 0; i < rows.Count; i++)
        {
            foreach (string column in localRows[i].Keys.Where(c => c != "seconds"))
            {
                Assert.True(localRows[i][column] == rows[i][column], $"row {i} {column}: local '{localRows[i][column]}', distributed '{rows[i][column]}'");
            }
        }
    }

    [SkippableFact]
    public async Task Killing_a_worker_again_and_again_midway_loses_and_duplicates_nothing()
    {
        Skip.If(services.SkipReason is not null, services.SkipReason);
        var (broker, database) = services.NewEnvironment();
        // Enough work that the survivor cannot finish it alone while each replacement starts (about 3-5 s here).
        const int files = 120;
        string folder = DicomFolder(files);
        string output = Path.Combine(BatchFolder.Create(), "results.csv");

        var survivor = CliProcess.StartWorker(broker, database);
        var victim = CliProcess.StartWorker(broker, database);
        var workers = new List<CliProcess> { survivor, victim };
        try
        {
            await Task.WhenAll(survivor.WaitUntilConsumingAsync(), victim.WaitUntilConsumingAsync());
            var submit = Task.Run(() => CliRunner.Run("screen", folder, "--out", output, "--broker", broker, "--db", database, "--job", "kill-workers", "--models", ShippedModels));
            var store = DistributedServices.Store(database);
            int kills = 0;
            int lastDone = 0;
            while (kills < 3)
            {
                int done = await WaitForDoneAsync(store, "kill-workers", lastDone + 8, submit);
                // Kill -9 while it holds unacknowledged items (prefetch 2), then start a new one in its place.
                victim.KillHard();
                kills++;
                lastDone = done;
                victim = CliProcess.StartWorker(broker, database);
                workers.Add(victim);
                await victim.WaitUntilConsumingAsync();
            }

            var (code, _, stderr) = await submit;
            Assert.True(code == 0, stderr);
            await AssertExactlyOnceAsync(store, "kill-workers", files, output);
        }
        finally
        {
            workers.ForEach(w => w.Dispose());
        }
    }

    [SkippableFact]
    public async Task Restarting_the_broker_midway_still_completes_every_item_exactly_once()
    {
        Skip.If(services.SkipReason is not null, services.SkipReason);
        var (broker, database) = services.NewEnvironment();
        const int files = 50;
        string folder = DicomFolder(files);
        string output = Path.Combine(BatchFolder.Create(), "results.csv");
        using var worker = CliProcess.StartWorker(broker, database, jobs: 2);
        await worker.WaitUntilConsumingAsync();

        var submit = Task.Run(() => CliRunner.Run("screen", folder, "--out", output, "--broker", broker, "--db", database, "--job", "restart-broker", "--models", ShippedModels));
        var store = DistributedServices.Store(database);
        await WaitForDoneAsync(store, "restart-broker", 10, submit);
        await services.Broker!.RestartAsync(TimeSpan.FromSeconds(2));

        var (code, _, stderr) = await submit;
        Assert.True(code == 0, $"{stderr}\n{worker.Log}");
        Assert.False(worker.HasExited, worker.Log);
        await AssertExactlyOnceAsync(store, "restart-broker", files, output);
    }

    [SkippableFact]
    public async Task Restarting_the_database_midway_is_waited_out_by_the_workers_and_the_submitter()
    {
        Skip.If(services.SkipReason is not null, services.SkipReason);
        var (broker, database) = services.NewEnvironment();
        const int files = 40;
        string folder = DicomFolder(files);
        string output = Path.Combine(BatchFolder.Create(), "results.csv");
        using var worker = CliProcess.StartWorker(broker, database, jobs: 2);
        await worker.WaitUntilConsumingAsync();

        var submit = Task.Run(() => CliRunner.Run("screen", folder, "--out", output, "--broker", broker, "--db", database, "--job", "restart-db", "--models", ShippedModels));
        var store = DistributedServices.Store(database);
        await WaitForDoneAsync(store, "restart-db", 8, submit);
        await services.Postgres.RestartAsync(TimeSpan.FromSeconds(3));

        var (code, _, stderr) = await submit;
        Assert.True(code == 0, $"{stderr}\n{worker.Log}");
        Assert.False(worker.HasExited, worker.Log);
        Assert.Contains("Database unavailable", worker.Log);
        Npgsql.NpgsqlConnection.ClearAllPools();
        await AssertExactlyOnceAsync(store, "restart-db", files, output);
    }

    [SkippableFact]
    public async Task A_message_that_keeps_failing_its_workers_is_dead_lettered_and_its_item_ends_processing_failed()
    {
        Skip.If(services.SkipReason is not null, services.SkipReason);
        var (broker, database) = services.NewEnvironment();
        string models = TestBundles.WriteEnsemble();
        const int files = 6;
        string folder = DicomFolder(files, rows: 96, columns: 80);
        string output = Path.Combine(BatchFolder.Create(), "results.csv");

        // Submitted with no worker running: every item waits in the queue.
        var submit = Task.Run(() => CliRunner.Run("screen", folder, "--out", output, "--broker", broker, "--db", database, "--models", models));
        string version = ModelVersionOf(models);
        var factory = new ConnectionFactory { Uri = new Uri(broker) };
        await using var connection = await factory.CreateConnectionAsync();
        string queue = BrokerTopology.ItemsQueue(version);
        await WaitForQueueAsync(connection, queue, files, submit);

        // Stand-in for workers that crash on one file: take the head message and vanish without an ack, until the
        // broker dead-letters it. Each channel close returns it and counts a delivery.
        string? poison = null;
        int deliveries = 0;
        while (true)
        {
            await using var channel = await connection.CreateChannelAsync();
            var got = await channel.BasicGetAsync(queue, autoAck: false);
            Assert.NotNull(got);
            var item = QueuedItem.Parse(got!.Body.Span);
            poison ??= item.ItemPath;
            if (item.ItemPath != poison)
            {
                break; // the poison left the queue; this one goes back untouched (one return, under the limit)
            }

            deliveries++;
            Assert.True(deliveries <= BrokerTopology.DeliveryLimit + 1, "the broker kept redelivering past its delivery limit");
            await channel.CloseAsync();
        }

        Assert.Equal(BrokerTopology.DeliveryLimit + 1, deliveries);
        using var worker = CliProcess.StartWorker(broker, database, models);
        var (code, _, stderr) = await submit;
        Assert.True(code == 1, $"{stderr}\n{worker.Log}");
        var rows = CsvTable.Records(output);
        Assert.Equal(files, rows.Count);
        var failed = Assert.Single(rows, r => r["status"] != "ok");
        Assert.Equal(poison, failed["path"]);
        Assert.Equal("processing-failed", failed["status"]);
        Assert.Contains($"{BrokerTopology.DeliveryLimit + 1} deliveries", failed["error"]);
        Assert.Contains("dead-lettered", worker.Log);
    }

    [SkippableFact]
    public async Task A_worker_with_other_models_does_not_take_the_job()
    {
        Skip.If(services.SkipReason is not null, services.SkipReason);
        var (broker, database) = services.NewEnvironment();
        string models = TestBundles.WriteEnsemble();
        string otherModels = TestBundles.WriteEnsemble();
        // The same nets under a newer bundle version: another model version, so another queue.
        Inference.Bundles.ModelBundle.WriteMetadata(Path.Combine(otherModels, "googlenet"),
            TestBundles.Metadata("googlenet", withCam: true, threshold: 0.45) with { Version = "0.0.2-test" });
        const int files = 4;
        string folder = DicomFolder(files, rows: 96, columns: 80);
        string output = Path.Combine(BatchFolder.Create(), "results.csv");

        using var other = CliProcess.StartWorker(broker, database, otherModels);
        await other.WaitUntilConsumingAsync();
        var submit = Task.Run(() => CliRunner.Run("screen", folder, "--out", output, "--broker", broker, "--db", database, "--job", "other-models", "--models", models));
        var factory = new ConnectionFactory { Uri = new Uri(broker) };
        await using (var connection = await factory.CreateConnectionAsync())
        {
            await WaitForQueueAsync(connection, BrokerTopology.ItemsQueue(ModelVersionOf(models)), files, submit);
        }

        // Long enough for a worker that took the items to have finished them.
        await Task.Delay(TimeSpan.FromSeconds(3));
        var store = DistributedServices.Store(database);
        var job = (await store.FindJobByKeyAsync("other-models"))!;
        Assert.Equal(0, (await store.GetJobAsync(job.Id))!.Succeeded + (await store.GetJobAsync(job.Id))!.Failed);
        Assert.Contains($"consuming {BrokerTopology.ItemsQueue(ModelVersionOf(otherModels))}", other.Log);

        using var matching = CliProcess.StartWorker(broker, database, models);
        var (code, _, stderr) = await submit;
        Assert.True(code == 0, stderr);
        Assert.Equal(files, CsvTable.Records(output).Count(r => r["status"] == "ok"));
        Assert.DoesNotContain("Item", other.Log);
    }

    [Fact]
    public void A_sqlite_database_with_broker_is_a_usage_error_before_any_model_loads()
    {
        var (code, _, stderr) = CliRunner.Run("screen", "samples", "--broker", "amqp://guest:secret@127.0.0.1:1/", "--db", "jobs.db", "--models", "/nonexistent");
        Assert.Equal(2, code);
        Assert.Contains("--db jobs.db is SQLite; with --broker the job database must be PostgreSQL", stderr);
        Assert.DoesNotContain("secret", stderr);

        (code, _, stderr) = CliRunner.Run("worker", "--broker", "amqp://guest:secret@127.0.0.1:1/", "--db", "Data Source=jobs.db", "--models", "/nonexistent");
        Assert.Equal(2, code);
        Assert.Contains("must be PostgreSQL", stderr);

        (code, _, stderr) = CliRunner.Run("screen", "samples", "--broker", "http://guest:secret@host/", "--db", "Host=x");
        Assert.Equal(2, code);
        Assert.Contains("is not an AMQP URI", stderr);
        Assert.DoesNotContain("secret", stderr);
    }

    private static string ShippedModels => Path.Combine(Dicom.Tests.TestData.SharedDicomData.RepositoryRoot, "models");

    private static string ModelVersionOf(string models)
    {
        using var ensemble = Inference.TbEnsemble.Load(models);
        return Screening.ScreeningPipeline.VersionOf(ensemble);
    }

    private static string DicomFolder(int files, int rows = 384, int columns = 320)
    {
        string folder = BatchFolder.Create();
        for (int i = 0; i < files; i++)
        {
            BatchFolder.Write(folder, $"cxr-{i:000}.dcm", BatchFolder.Dicom(500 + i, rows: rows, columns: columns));
        }

        return folder;
    }

    /// <summary>Waits until the job has at least <paramref name="atLeast"/> finished items; returns how many.</summary>
    private static async Task<int> WaitForDoneAsync(EfScreeningStore store, string key, int atLeast, Task<(int, string, string)> submit)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromMinutes(3))
        {
            if (submit.IsCompleted)
            {
                var (code, _, stderr) = await submit;
                throw new InvalidOperationException($"the job ended (exit {code}) before {atLeast} items were done: {stderr}");
            }

            if (await store.FindJobByKeyAsync(key) is { } job && job.Succeeded + job.Failed >= atLeast)
            {
                return job.Succeeded + job.Failed;
            }

            await Task.Delay(20);
        }

        throw new TimeoutException($"fewer than {atLeast} items done in 3 minutes");
    }

    private static async Task WaitForQueueAsync(IConnection connection, string queue, int messages, Task<(int, string, string)> submit)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromMinutes(2))
        {
            Assert.False(submit.IsCompleted, "the submitting run ended before its items were queued: " + (submit.IsCompleted ? submit.Result.Item3 : ""));
            try
            {
                await using var channel = await connection.CreateChannelAsync();
                if ((await channel.QueueDeclarePassiveAsync(queue)).MessageCount >= messages)
                {
                    return;
                }
            }
            catch (RabbitMQ.Client.Exceptions.OperationInterruptedException)
            {
                // Not declared yet.
            }

            await Task.Delay(50);
        }

        throw new TimeoutException($"{queue} never held {messages} messages");
    }

    /// <summary>Every file has exactly one finished item and one result, the job is complete, and the output lists each file once, in order.</summary>
    private static async Task AssertExactlyOnceAsync(EfScreeningStore store, string key, int files, string output)
    {
        var job = (await store.FindJobByKeyAsync(key))!;
        Assert.Equal((files, files, 0, BatchJobStates.Completed), (job.Total, job.Succeeded, job.Failed, job.State));
        var items = await store.ItemsAsync(job.Id);
        Assert.Equal(files, items.Count);
        Assert.All(items, i => Assert.Equal("ok", i.Status));
        Assert.Equal(files, items.Select(i => i.ResultId).Distinct().Count());
        var results = await store.RecentResultsAsync(10 * files);
        Assert.Equal(files, results.Count);
        Assert.Equal(files, results.Select(r => r.Outcome.SopInstanceUid).Distinct().Count());
        var rows = CsvTable.Records(output);
        Assert.Equal(items.Select(i => i.Path).Order(StringComparer.Ordinal), rows.Select(r => r["path"]));
        Assert.All(rows, r => Assert.Equal("ok", r["status"]));
    }
}

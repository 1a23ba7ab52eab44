using System.Diagnostics;
using System.Globalization;
using RabbitMQ.Client;
using TbScreen.Broker;
using TbScreen.Cli;
using TbScreen.Dicom;
using TbScreen.Dicom.Samples;
using TbScreen.Dicom.Writing;
using TbScreen.Screening.Jobs;
using TbScreen.Screening.Tests.Support;

/// <summary>
/// Scale-out (`scale-out`): one folder of full-size DICOM radiographs (generated phantoms, 16-bit, a CR plate's
/// size) screened in one run four ways: a local `screen --jobs 2` on SQLite and on PostgreSQL, a distributed run with
/// one worker of --jobs 2, and with two workers of --jobs 1; plus the broker's own message rate through the same
/// topology (confirmed publishes, acknowledged deliveries). Starts its own throwaway RabbitMQ node and PostgreSQL.
/// </summary>
internal static class ScaleOutBenchmark
{
    public static int Run(string models, int count, int runs, int rows, int columns)
    {
        using var postgres = new PostgresServer();
        using var rabbit = new RabbitMqServer();
        if ((postgres.SkipReason ?? rabbit.SkipReason) is { } missing)
        {
            Console.Error.WriteLine($"scale-out needs PostgreSQL and RabbitMQ: {missing}");
            return 2;
        }

        string work = Directory.CreateTempSubdirectory("tbscreen-scaleout-bench").FullName;
        string folder = FullSizeRadiographs.Write(Path.Combine(work, "dicom"), count, rows, columns, firstSeed: 1000);
        long bytes = Directory.GetFiles(folder).Sum(f => new FileInfo(f).Length);
        Console.WriteLine($"# Scale-out benchmark, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores, {count} DICOM files of {rows}x{columns} (16-bit, {bytes / count / 1e6:F1} MB each), median of {runs} runs");
        Console.WriteLine();
        string broker = rabbit.NewVirtualHost();
        // Every run gets a fresh, already migrated database: creating the schema is set-up, not screening.
        string Database() => Migrated(postgres.ConnectionString.Replace("Database=tbscreen_test", "Database=b" + Guid.NewGuid().ToString("N")[..12], StringComparison.Ordinal));
        string Sqlite() => Migrated(Path.Combine(work, Guid.NewGuid().ToString("N") + ".db"));

        // Warm-up (JIT, native libraries, EF Core model building): start-up costs, not throughput.
        Local(models, Directory.GetFiles(folder).Order(StringComparer.Ordinal).Take(6).ToArray(), Path.Combine(work, "warm.db"), work);

        var table = new List<(string What, double Seconds)>
        {
            ("local `screen --jobs 2`, SQLite job store", Median(runs, () => Local(models, [folder], Sqlite(), work))),
            ("local `screen --jobs 2`, PostgreSQL job store", Median(runs, () => Local(models, [folder], Database(), work))),
            ("distributed, 1 worker `--jobs 2`", Distributed(models, folder, broker, Database(), work, workers: 1, jobs: 2, runs)),
            ("distributed, 2 workers `--jobs 1`", Distributed(models, folder, broker, Database(), work, workers: 2, jobs: 1, runs)),
        };

        double reference = table[1].Seconds;
        Console.WriteLine("| run | images/s | seconds | ms per image | ratio of time to local on PostgreSQL |");
        Console.WriteLine("|---|---:|---:|---:|---:|");
        foreach (var (what, seconds) in table)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {what} | {count / seconds:F1} | {seconds:F2} | {1000 * seconds / count:F1} | {seconds / reference:F3} |"));
        }

        var (publish, deliver) = BrokerRate(rabbit.NewVirtualHost(), messages: 20_000);
        Console.WriteLine();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Broker alone (same topology, {20_000} item messages): {publish:F0} confirmed publishes/s, {deliver:F0} acknowledged deliveries/s."));
        Directory.Delete(work, recursive: true);
        return 0;
    }

    private static string Migrated(string database)
    {
        new TbScreen.Screening.Persistence.ScreeningDbContextFactory(new TbScreen.Screening.Persistence.PersistenceOptions { ConnectionString = database }).Migrate();
        return database;
    }

    private static double Median(int runs, Func<double> run)
    {
        var seconds = Enumerable.Range(0, runs).Select(_ => run()).Order().ToList();
        return seconds[seconds.Count / 2];
    }

    /// <summary>One whole local `screen` (models loaded in the timed call, as in the distributed submit).</summary>
    private static double Local(string models, string[] inputs, string database, string work)
    {
        string output = Path.Combine(work, Guid.NewGuid().ToString("N"), "results.csv");
        var clock = Stopwatch.StartNew();
        int code = TbScreenCli.Run([.. inputs.Prepend("screen"), "--out", output, "--db", database, "--jobs", "2", "--models", models], TextWriter.Null, TextWriter.Null);
        return Check(code, clock);
    }

    /// <summary>
    /// The workers are started once and warmed up on a few files (JIT, model sessions), as the local runs are warmed in
    /// this process; then each timed run is the submitting `screen --broker` over the whole folder, with the job tables
    /// emptied before it, so every run screens every file. Returns the median seconds.
    /// </summary>
    private static double Distributed(string models, string folder, string broker, string database, string work, int workers, int jobs, int runs)
    {
        var processes = Enumerable.Range(0, workers).Select(_ => StartWorker(models, broker, database, jobs)).ToList();
        try
        {
            foreach (var (process, log) in processes)
            {
                var wait = Stopwatch.StartNew();
                while (!log.ToString().Contains("Worker consuming", StringComparison.Ordinal))
                {
                    if (process.HasExited || wait.Elapsed > TimeSpan.FromMinutes(2))
                    {
                        throw new InvalidOperationException($"worker did not start: {log}");
                    }

                    Thread.Sleep(50);
                }
            }

            string[] warmUp = Directory.GetFiles(folder).Order(StringComparer.Ordinal).Take(4 * workers * jobs).ToArray();
            Submit(models, warmUp, broker, database, work);
            var seconds = new List<double>();
            for (int run = 0; run < runs; run++)
            {
                Empty(database);
                seconds.Add(Submit(models, [folder], broker, database, work));
            }

            return seconds.Order().ElementAt(seconds.Count / 2);
        }
        finally
        {
            foreach (var (process, _) in processes)
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit();
                process.Dispose();
            }
        }
    }

    private static double Submit(string models, string[] inputs, string broker, string database, string work)
    {
        string output = Path.Combine(work, Guid.NewGuid().ToString("N"), "results.csv");
        var clock = Stopwatch.StartNew();
        int code = TbScreenCli.Run([.. inputs.Prepend("screen"), "--out", output, "--broker", broker, "--db", database, "--models", models], TextWriter.Null, TextWriter.Null);
        return Check(code, clock);
    }

    /// <summary>Jobs, items and results removed, as in a fresh database (the schema stays; sessions stay warm).</summary>
    private static void Empty(string database)
    {
        using var ctx = new TbScreen.Screening.Persistence.ScreeningDbContextFactory(new TbScreen.Screening.Persistence.PersistenceOptions { ConnectionString = database }).CreateDbContext();
        Microsoft.EntityFrameworkCore.RelationalDatabaseFacadeExtensions.ExecuteSqlRaw(ctx.Database,
            "TRUNCATE \"DicomDeliveries\", \"Reviews\", \"BatchJobItems\", \"BatchJobs\", \"ScreeningResults\", \"Images\", \"Studies\" RESTART IDENTITY CASCADE");
    }

    private static (Process, System.Text.StringBuilder) StartWorker(string models, string broker, string database, int jobs)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (string arg in new[] { Path.Combine(AppContext.BaseDirectory, "tbscreen.dll"), "worker", "--broker", broker, "--db", database, "--jobs", jobs.ToString(CultureInfo.InvariantCulture), "--models", models })
        {
            info.ArgumentList.Add(arg);
        }

        var process = Process.Start(info) ?? throw new InvalidOperationException("cannot start a worker");
        var log = new System.Text.StringBuilder();
        process.ErrorDataReceived += (_, e) =>
        {
            lock (log)
            {
                log.AppendLine(e.Data);
            }
        };
        process.OutputDataReceived += (_, _) => { };
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        return (process, log);
    }

    private static double Check(int code, Stopwatch clock)
    {
        double seconds = clock.Elapsed.TotalSeconds;
        return code == 0 ? seconds : throw new InvalidOperationException($"tbscreen screen exited {code}");
    }

    /// <summary>Item messages through a quorum queue declared like the real ones: confirmed publishes/s, then acknowledged deliveries/s.</summary>
    private static (double Publish, double Deliver) BrokerRate(string broker, int messages)
    {
        using var connection = new ConnectionFactory { Uri = new Uri(broker) }.CreateConnectionAsync().GetAwaiter().GetResult();
        string version = "bench@0";
        var clock = Stopwatch.StartNew();
        var publisher = ItemPublisher.OpenAsync(connection, version, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance, CancellationToken.None).GetAwaiter().GetResult();
        {
            publisher.PublishAsync(Enumerable.Range(1, messages).Select(i => new QueuedItem
            {
                JobId = 1,
                ItemId = i,
                ItemPath = $"/archive/2026/12/04/study-{i:000000}/image-1.dcm",
                Location = $"/archive/2026/12/04/study-{i:000000}/image-1.dcm",
                ModelVersion = version,
            }), CancellationToken.None).GetAwaiter().GetResult();
            publisher.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }

        double publish = messages / clock.Elapsed.TotalSeconds;
        using var channel = connection.CreateChannelAsync().GetAwaiter().GetResult();
        channel.BasicQosAsync(0, 500, false).GetAwaiter().GetResult();
        int received = 0;
        var done = new TaskCompletionSource();
        var consumer = new RabbitMQ.Client.Events.AsyncEventingBasicConsumer(channel);
        consumer.ReceivedAsync += async (_, delivery) =>
        {
            QueuedItem.Parse(delivery.Body.Span);
            await channel.BasicAckAsync(delivery.DeliveryTag, multiple: false);
            if (Interlocked.Increment(ref received) == messages)
            {
                done.TrySetResult();
            }
        };
        clock.Restart();
        channel.BasicConsumeAsync(BrokerTopology.ItemsQueue(version), autoAck: false, consumer).GetAwaiter().GetResult();
        done.Task.Wait(TimeSpan.FromMinutes(5));
        return (publish, messages / clock.Elapsed.TotalSeconds);
    }
}

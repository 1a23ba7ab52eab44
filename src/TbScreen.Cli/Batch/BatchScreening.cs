using System.Data.Common;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using TbScreen.Inference;
using TbScreen.Screening;
using TbScreen.Screening.Jobs;

namespace TbScreen.Cli.Batch;

/// <summary>Wires a `screen` run: inputs, job store, output writer, progress, runner, exit code.</summary>
public sealed class BatchScreening(TextWriter stdout, TextWriter stderr)
{
    public const string DefaultDatabaseName = "tbscreen.db";

    public enum OutputFormat
    {
        Csv,
        Json,
    }

    public static OutputFormat? FormatOf(string path) => Path.GetExtension(path).ToLowerInvariant() switch
    {
        ".csv" => OutputFormat.Csv,
        ".json" => OutputFormat.Json,
        _ => null,
    };

    /// <summary>--db as given; else, with --out, tbscreen.db beside the output; else none (nothing resumable).</summary>
    public static string? DatabaseFor(BatchSettings settings) =>
        settings.Database ?? (settings.Output is { } output
            ? Path.Combine(Path.GetDirectoryName(Path.GetFullPath(output))!, DefaultDatabaseName)
            : null);

    /// <summary>The check `--stability-check --stability-eps` asks for: the defaults but for the radius.</summary>
    private static Inference.Stability.StabilityOptions StabilityOf(BatchSettings settings) => new() { Enabled = true, Epsilon = settings.StabilityEpsilon };

    public int Run(TbEnsemble ensemble, BatchSettings settings)
    {
        // Batch rows carry no heatmap, so the CAM work is skipped.
        var pipeline = new ScreeningPipeline(ensemble, new ScreeningOptions { Heatmap = false }.WithStability(settings.StabilityCheck ? StabilityOf(settings) : null))
        {
            Sites = settings.SiteProfile is { } profile ? Screening.Sites.SiteProfiles.Fixed(profile) : Screening.Sites.SiteProfiles.None,
        };
        var walker = new InputWalker(new InputWalkOptions { Recursive = settings.Recursive, Warn = warning => stderr.WriteLine($"tbscreen: warning: {warning}") });
        var inputs = walker.Walk(settings.Paths);
        if (walker.SkippedFolders > 0)
        {
            stderr.WriteLine($"tbscreen: note: {walker.SkippedFolders} sub-folder{(walker.SkippedFolders == 1 ? "" : "s")} not screened (first: {walker.FirstSkippedFolder}); add --recursive to screen them too");
        }

        // The stability check changes the rows (flags), so its mark in the model version is part of the job's identity.
        string key = settings.JobId ?? JobIdentity.Compute(inputs, pipeline.ModelVersion);
        string? database = DatabaseFor(settings);
        try
        {
            return Run(pipeline, inputs, key, database, settings);
        }
        catch (Exception e) when (e is DbException or DbUpdateException)
        {
            // A bad --db, or a database that stops accepting writes: the job is still resumable from what was committed.
            stderr.WriteLine($"tbscreen: job database {Redacted(database)}: {e.GetBaseException().Message}");
            return ExitCodes.Usage;
        }
    }

    private int Run(ScreeningPipeline pipeline, IReadOnlyList<BatchInput> inputs, string key, string? database, BatchSettings settings)
    {
        if (database is not null && settings.Database is null)
        {
            // The default database sits beside --out, whose folder may not exist yet.
            Directory.CreateDirectory(Path.GetDirectoryName(database)!);
        }

        if (settings.Broker is { } broker)
        {
            return RunDistributed(pipeline, inputs, key, database!, broker, settings);
        }

        using IBatchJobStore store = database is null ? new NoJobStore() : PersistentJobStore.Open(database);
        var finished = store.OpenJob(key, settings.Paths.Select(Path.GetFullPath).ToList(), inputs, OptionsJson(settings, pipeline.ModelVersion));
        var runner = new BatchRunner(pipeline, store, settings.Jobs);

        if (settings.Output is not { } output)
        {
            stdout.WriteLine(ConsoleResultWriter.Banner);
            using var console = new ConsoleResultWriter(stdout, stderr);
            return ExitCode(runner.Run(inputs, finished, console, new SilentBatchProgress()));
        }

        BatchSummary summary;
        using (var writer = OpenWriter(output))
        {
            summary = Interactive
                ? SpectreBatchProgress.Run(progress => runner.Run(inputs, finished, writer, progress))
                : runner.Run(inputs, finished, writer, new PlainBatchProgress(stderr, settings.ProgressInterval));
        }

        stderr.WriteLine($"tbscreen: {output}: {summary.Rows} rows, {summary.Failed} not ok; {summary.Screened} screened now, " +
                         $"{summary.FromStore} from job {key} in {Redacted(database)}");
        return ExitCode(summary);
    }

    /// <summary>
    /// --broker: the job is registered in PostgreSQL, its pending items go to the broker, `tbscreen worker` processes
    /// screen them, and the rows are written here in input order once the job has none pending. Rerunning the same
    /// command follows the same job (finished items are not published again).
    /// </summary>
    private int RunDistributed(ScreeningPipeline pipeline, IReadOnlyList<BatchInput> inputs, string key, string database, string broker, BatchSettings settings)
    {
        var logger = new StderrLogger(stderr);
        using var store = PersistentJobStore.Open(database);
        var finished = store.OpenJob(key, settings.Paths.Select(Path.GetFullPath).ToList(), inputs, OptionsJson(settings, pipeline.ModelVersion));
        using var connection = Broker.BrokerConnection.OpenAsync(broker, "tbscreen-screen", logger, giveUpAfter: TimeSpan.FromSeconds(30)).GetAwaiter().GetResult();
        // Items go to the models' queue; a --site-profile and a --stability-check travel in each message and mark the
        // rows' model version there.
        var dispatcher = new Broker.RabbitMqItemDispatcher(connection, store.Store, ScreeningPipeline.VersionOf(pipeline.Ensemble), logger)
        {
            SiteProfile = settings.SiteProfile,
            Stability = settings.StabilityCheck ? StabilityOf(settings) : null,
        };
        var runner = new DispatchedBatchRunner(store, dispatcher);
        stderr.WriteLine($"tbscreen: job {key}: {inputs.Count - finished.Count} of {inputs.Count} files to screen on the workers of {dispatcher.Describe}");

        BatchSummary summary;
        using (var writer = settings.Output is { } output ? OpenWriter(output) : new ConsoleResultWriter(stdout, stderr))
        {
            if (settings.Output is null)
            {
                stdout.WriteLine(ConsoleResultWriter.Banner);
            }

            summary = settings.Output is not null && Interactive
                ? SpectreBatchProgress.Run(progress => runner.RunAsync(inputs, finished, writer, progress).GetAwaiter().GetResult())
                : runner.RunAsync(inputs, finished, writer, settings.Output is null ? new SilentBatchProgress() : new PlainBatchProgress(stderr, settings.ProgressInterval)).GetAwaiter().GetResult();
        }

        stderr.WriteLine($"tbscreen: {settings.Output ?? "stdout"}: {summary.Rows} rows, {summary.Failed} not ok; {summary.Screened} screened now by workers, " +
                         $"{summary.FromStore} from job {key} in {Redacted(database)}");
        return ExitCode(summary);
    }

    /// <summary>The connection string as it may be printed: passwords (keyword or URI form) replaced by ***.</summary>
    public static string? Redacted(string? database) => database is null
        ? null
        : Regex.Replace(
            Regex.Replace(database, @"(?i)\b(password|pwd)\s*=[^;]*", "$1=***"),
            @"(?i)^(postgres(?:ql)?://[^:/@]+):[^@]*@", "$1:***@");

    private bool Interactive => ReferenceEquals(stderr, Console.Error) && !Console.IsErrorRedirected;

    private static int ExitCode(BatchSummary summary) => summary.Failed == 0 ? ExitCodes.Success : ExitCodes.SomeInputsFailed;

    private static IResultWriter OpenWriter(string output)
    {
        Stream stream;
        try
        {
            string full = Path.GetFullPath(output);
            Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            stream = new FileStream(full, FileMode.Create, FileAccess.Write, FileShare.Read);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new OutputException($"{output}: cannot write output: {e.Message}", e);
        }

        return FormatOf(output) == OutputFormat.Json ? new JsonResultWriter(stream) : new CsvResultWriter(stream);
    }

    private static string OptionsJson(BatchSettings settings, string modelVersion) => JsonSerializer.Serialize(new
    {
        recursive = settings.Recursive,
        output = settings.Output,
        jobs = settings.Jobs,
        modelVersion,
    });
}

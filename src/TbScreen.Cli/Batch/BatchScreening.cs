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

    public int Run(TbEnsemble ensemble, BatchSettings settings)
    {
        // Batch rows carry no heatmap, so the CAM work is skipped.
        var pipeline = new ScreeningPipeline(ensemble, new ScreeningOptions { Heatmap = false, StabilityCheck = settings.StabilityCheck, StabilityEpsilon = settings.StabilityEpsilon })
        {
            Sites = settings.SiteProfile is { } profile ? Screening.Sites.SiteProfiles.Fixed(profile) : Screening.Sites.SiteProfiles.None,
        };
        var inputs = new InputWalker(new InputWalkOptions { Recursive = settings.Recursive, Warn = warning => stderr.WriteLine($"tbscreen: warning: {warning}") }).Walk(settings.Paths);
        // The stability check changes the rows (flags), so it is part of the job's identity.
        string version = settings.StabilityCheck ? FormattableString.Invariant($"{pipeline.ModelVersion}+stability@{settings.StabilityEpsilon:R}") : pipeline.ModelVersion;
        string key = settings.JobId ?? JobIdentity.Compute(inputs, version);
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

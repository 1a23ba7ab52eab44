using System.CommandLine;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;
using TbScreen.Broker;
using TbScreen.Screening;
using TbScreen.Screening.Jobs;
using TbScreen.Screening.Persistence;
using TbScreen.Screening.Storage;

namespace TbScreen.Cli.Commands;

/// <summary>
/// `tbscreen worker --broker URI --db CONNECTION [--models DIR] [--jobs N] [--store DIR]`: a queue worker for
/// distributed jobs (`screen --broker`, and the web host's jobs when TbScreen:Broker is set). It loads the models
/// once, consumes its model version's queue with N items at a time, commits each result with its item in
/// PostgreSQL, and acknowledges only then. It waits out broker and database outages with back-off and stops on
/// SIGTERM or Ctrl-C after finishing the items in hand. Logs carry job and item ids, never paths or passwords.
/// docs/scale-out.md shows a deployment.
/// </summary>
public static class WorkerCommand
{
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var broker = BrokerCliOptions.CreateBroker("The RabbitMQ broker (amqp://user:password@host:5672/vhost).");
        var db = new Option<string?>("--db") { Description = $"The job database: PostgreSQL (Host=...;Database=...). Default: ${BrokerCliOptions.DatabaseVariable}." };
        var jobs = new Option<int>("--jobs", "-j") { Description = "Items screened at a time (default: the number of cores); the prefetch is twice this.", DefaultValueFactory = _ => Environment.ProcessorCount };
        var store = new Option<string?>("--store") { Description = "The content store (shared by every worker) for items queued by SHA-256 (uploads, received files)." };
        var models = new EnsembleCliOptions();
        var contentOptions = new ContentStoreCliOptions();
        var command = new Command("worker", "Screen the items of distributed jobs from a RabbitMQ queue, with results in PostgreSQL. Research use only.")
        {
            broker, db, jobs, store,
        };
        models.AddTo(command);
        contentOptions.AddTo(command);
        jobs.Validators.Add(result =>
        {
            if (result.Tokens.Count == 1 && int.TryParse(result.Tokens[0].Value, out int n) && n is < 1 or > 256)
            {
                result.AddError("--jobs must be between 1 and 256.");
            }
        });

        command.SetAction(result => ExitCodes.Guard(stderr, () =>
        {
            string brokerUri = BrokerCliOptions.Broker(result, broker, required: true)!;
            string database = BrokerCliOptions.PostgresDatabase(result.GetValue(db));
            int workers = result.GetValue(jobs);
            var logger = new StderrLogger(stderr, LogLevel.Information, timestamps: true);
            using var ensemble = models.Load(result, stderr, threadsWhenUnset: 1);
            using var stopping = new CancellationTokenSource();
            using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
            {
                context.Cancel = true;
                stopping.Cancel();
            });
            using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, context =>
            {
                context.Cancel = true;
                stopping.Cancel();
            });
            string? storeRoot = result.GetValue(store);
            var content = storeRoot is null ? null : contentOptions.Open(result, storeRoot, logger);
            // Without a store there is no master key: the worker's results carry no patient pseudonym.
            var pseudonyms = storeRoot is null ? PatientPseudonyms.None : contentOptions.Pseudonyms(result, storeRoot);
            RunAsync(ensemble, brokerUri, database, workers, content, pseudonyms, logger, stopping.Token).GetAwaiter().GetResult();
            return ExitCodes.Success;
        }));
        return command;
    }

    private static async Task RunAsync(Inference.TbEnsemble ensemble, string broker, string database, int jobs, ContentStore? content, PatientPseudonyms pseudonyms, ILogger logger, CancellationToken stopping)
    {
        var contexts = new ScreeningDbContextFactory(new PersistenceOptions { ConnectionString = database });
        var store = new EfScreeningStore(contexts);
        // Active site profiles are read at most every 10 s, not once per item: an approval reaches workers within that.
        var sites = new Screening.Sites.CachedSiteProfileStore(new EfSiteProfileStore(contexts), TimeSpan.FromSeconds(10));
        await WaitForDatabaseAsync(store, database, logger, stopping);

        // One ensemble, two views of it: batch rows need no heatmap, dashboard jobs show one.
        // Workers screen the web host's jobs: a native codec that crashes or hangs fails its file in a codec host,
        // not the worker (the same isolation as the web host and the DICOM node).
        using var pixelDecoder = new ScreeningOptions { IsolateNativeCodecs = true }.CreatePixelDecoder();
        var rows = new ScreeningPipeline(ensemble, new ScreeningOptions { Heatmap = false }) { Pseudonyms = pseudonyms, PixelDecoder = pixelDecoder };
        var withHeatmaps = new ScreeningPipeline(ensemble, new ScreeningOptions { Heatmap = true }) { Pseudonyms = pseudonyms, PixelDecoder = pixelDecoder };
        var processor = new QueuedItemProcessor(
            new PersistentScreeningService(rows, store, content: null, sites: sites),
            new PersistentScreeningService(withHeatmaps, store, content: null, sites: sites),
            content,
            // `screen --broker --site-profile` and `--stability-check`, the host's Screening:StabilityCheck: the item's
            // profile (not the database's site rules) decides, and its check runs, in a pipeline whose version marks both.
            variant => new PersistentScreeningService(
                new ScreeningPipeline(ensemble, new ScreeningOptions { Heatmap = variant.Heatmap }.WithStability(variant.Stability))
                {
                    Pseudonyms = pseudonyms,
                    PixelDecoder = pixelDecoder,
                    Sites = variant.Profile is { } profile ? Screening.Sites.SiteProfiles.Fixed(profile) : Screening.Sites.SiteProfiles.None,
                },
                store,
                content: null,
                sites: variant.Profile is null ? sites : null));

        try
        {
            using var connection = await BrokerConnection.OpenAsync(broker, $"tbscreen-worker@{Environment.MachineName}", logger, (ushort)jobs, cancellationToken: stopping);
            await new QueueWorker(connection, processor, jobs, logger).RunAsync(stopping);
            logger.LogInformation("Worker stopped");
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            logger.LogInformation("Worker stopped before it connected");
        }
    }

    /// <summary>Creates or migrates the schema, waiting (with back-off) while the database cannot be reached.</summary>
    private static async Task WaitForDatabaseAsync(IScreeningStore store, string database, ILogger logger, CancellationToken stopping)
    {
        var wait = TimeSpan.FromSeconds(1);
        while (true)
        {
            try
            {
                await store.MigrateAsync(stopping);
                return;
            }
            catch (Exception e) when (e is System.Data.Common.DbException or InvalidOperationException or TimeoutException && !stopping.IsCancellationRequested)
            {
                logger.LogWarning("Database {Database} unavailable ({Reason}); retrying in {Seconds:F0} s", Batch.BatchScreening.Redacted(database), e.GetBaseException().Message, wait.TotalSeconds);
                await Task.Delay(wait, stopping);
                wait = TimeSpan.FromTicks(Math.Min(TimeSpan.FromSeconds(30).Ticks, wait.Ticks * 2));
            }
        }
    }
}

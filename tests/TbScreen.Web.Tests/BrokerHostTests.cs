using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using TbScreen.Broker;
using TbScreen.Screening;
using TbScreen.Screening.Jobs;
using TbScreen.Screening.Tests.Support;
using TbScreen.Web.Identity;
using TbScreen.Web.Jobs;
using TbScreen.Web.Tests.Infrastructure;
using static TbScreen.Web.Tests.Infrastructure.HttpAssertions;

namespace TbScreen.Web.Tests;

/// <summary>
/// The host with TbScreen:Broker set, on a real RabbitMQ node and PostgreSQL: a folder job is published instead of
/// screened here, waits in the queue while no worker runs (the jobs page says so), and completes with the same
/// counts as an in-process job once a queue worker consumes it.
/// </summary>
public sealed class BrokerHostTests : IDisposable
{
    private readonly PostgresServer _postgres = new();
    private readonly RabbitMqServer? _broker;

    public BrokerHostTests()
    {
        if (_postgres.SkipReason is null)
        {
            _broker = new RabbitMqServer();
        }
    }

    [SkippableFact]
    public void A_host_with_a_broker_refuses_a_sqlite_database_and_sends_its_stability_check_to_the_workers()
    {
        Skip.If(_postgres.SkipReason is not null, _postgres.SkipReason);
        // Refused while the host starts, before any broker is reached: nothing listens on this port.
        const string broker = "amqp://guest:guest@127.0.0.1:9/";
        using var sqlite = new TbScreenApiFactory(Path.Combine(Path.GetTempPath(), "tbscreen-web-tests", Guid.NewGuid().ToString("N")), broker: broker);
        var noSqlite = Assert.Throws<Microsoft.Extensions.Options.OptionsValidationException>(() => sqlite.Services.GetRequiredService<IItemDispatcher>());
        Assert.Contains("TbScreen:Broker needs a PostgreSQL database", noSqlite.Message, StringComparison.Ordinal);

        using var stability = new TbScreenApiFactory(Path.Combine(Path.GetTempPath(), "tbscreen-web-tests", Guid.NewGuid().ToString("N")),
            postgres: _postgres.ConnectionString, broker: broker, settings: new Dictionary<string, string?> { ["Screening:StabilityCheck"] = "true" });
        // Items go to the models' own queue and carry the check; the host marks its own results as the workers will.
        var dispatcher = Assert.IsType<BrokerItemDispatcher>(stability.Services.GetRequiredService<IItemDispatcher>());
        string models = ScreeningPipeline.VersionOf(stability.Services.GetRequiredService<ScreeningPipeline>().Ensemble);
        Assert.Equal(models, dispatcher.ModelVersion);
        Assert.Equal(new Inference.Stability.StabilityOptions { Enabled = true }, dispatcher.Stability);
        Assert.Equal(models + "+stability@0.00784313725490196", stability.Services.GetRequiredService<PersistentScreeningService>().ModelVersion);
    }

    [SkippableFact]
    public async Task A_folder_job_goes_to_the_queue_and_a_worker_finishes_it()
    {
        Skip.If(_postgres.SkipReason is not null, _postgres.SkipReason);
        Skip.If(_broker!.SkipReason is not null, _broker.SkipReason);
        using var host = new TbScreenApiFactory(Path.Combine(Path.GetTempPath(), "tbscreen-web-tests", Guid.NewGuid().ToString("N")),
            postgres: _postgres.ConnectionString, broker: _broker.Uri);
        string folder = Path.Combine(host.AllowedJobRoot, "job-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        await File.WriteAllBytesAsync(Path.Combine(folder, "a.dcm"), TestRadiographs.Phantom(TestRadiographs.NewSeed()));
        await File.WriteAllBytesAsync(Path.Combine(folder, "b.dcm"), TestRadiographs.Phantom(TestRadiographs.NewSeed()));
        await File.WriteAllBytesAsync(Path.Combine(folder, "broken.dcm"), TestRadiographs.CorruptDicom());
        await File.WriteAllTextAsync(Path.Combine(folder, "notes.txt"), "export notes");

        using var client = await host.ClientAsAsync(Roles.Admin);
        var accepted = await (await client.PostAsJsonAsync("/api/jobs", new { folder, recursive = true })).JsonAsync(HttpStatusCode.Accepted);
        string id = accepted.GetProperty("id").ToString();

        // No worker yet: the items wait in the queue, and the page shows that nobody consumes it.
        var status = host.Services.GetRequiredService<JobEngineStatus>();
        var waiting = await PollAsync(status, v => v.Waiting == 4, "4 items waiting");
        Assert.Equal(0, waiting.Workers);
        Assert.StartsWith("RabbitMQ queue tbscreen.items.", waiting.Dispatcher);
        Assert.DoesNotContain("guest:guest", waiting.Dispatcher);

        // A queue worker in this process over the host's screening service (a `tbscreen worker` does the same).
        var screening = host.Services.GetRequiredService<PersistentScreeningService>();
        using var connection = await BrokerConnection.OpenAsync(_broker.Uri, "test-worker", NullLogger.Instance, dispatchConcurrency: 2);
        using var stop = new CancellationTokenSource();
        var worker = new QueueWorker(connection, new QueuedItemProcessor(screening, screening, content: null), jobs: 2, NullLogger.Instance);
        var running = worker.RunAsync(stop.Token);
        try
        {
            var job = await JobEndpointTests.PollUntilFinishedAsync(client, id, TimeSpan.FromSeconds(90));
            Assert.Equal("completed", job.GetProperty("state").GetString());
            var counts = job.GetProperty("counts");
            Assert.Equal((4, 2, 2), (counts.GetProperty("total").GetInt32(), counts.GetProperty("succeeded").GetInt32(), counts.GetProperty("failed").GetInt32()));
            Assert.Equal(1, counts.GetProperty("failedByCode").GetProperty("invalid-dicom").GetInt32());
            Assert.Equal(1, counts.GetProperty("failedByCode").GetProperty("unreadable-image").GetInt32());
            Assert.Equal(4, worker.Done);

            var busy = await PollAsync(status, v => v.Workers == 1 && v.Waiting == 0, "one worker, nothing waiting");
            Assert.Equal(4 / JobEngineStatus.Window.TotalMinutes, busy.ItemsPerMinute, 6);
        }
        finally
        {
            await stop.CancelAsync();
            await running;
        }
    }

    private static async Task<JobEngineView> PollAsync(JobEngineStatus status, Func<JobEngineView, bool> done, string what)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        JobEngineView view;
        do
        {
            view = await status.ReadAsync(CancellationToken.None);
            if (done(view))
            {
                return view;
            }

            await Task.Delay(100);
        }
        while (DateTime.UtcNow < deadline);
        throw new TimeoutException($"never {what}: last {JsonSerializer.Serialize(view)}");
    }

    public void Dispose()
    {
        _broker?.Dispose();
        Npgsql.NpgsqlConnection.ClearAllPools();
        _postgres.Dispose();
    }
}

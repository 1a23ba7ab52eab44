using Microsoft.Extensions.Logging;
using TbScreen.Dicom.Network;

using TbScreen.Screening.Persistence;
using TbScreen.Screening.Storage;

namespace TbScreen.Pacs;

/// <summary>
/// The receiving end of the DICOM node: each C-STORE is written to the content store and registered as a pending
/// item of the standing "dicom-received" job in the database before success is answered, so an image the sender
/// was told is stored survives a crash one instant later and is screened when the node comes back. Screening is
/// the job engine's business, not this handler's: the answer never waits for the models.
/// </summary>
public sealed class ReceivedInstances(IScreeningStore store, ContentStore content, ILogger logger) : IStoreHandler
{
    public const string JobKey = "dicom-received";
    public const string ItemPrefix = "received/";

    private readonly SemaphoreSlim _jobGate = new(1, 1);
    private long? _jobId;

    /// <summary>The item key of stored content: its hash, so a resent instance is one item, screened once.</summary>
    public static string ItemPath(string sha256) => ItemPrefix + sha256;

    /// <summary>The content store's key of a received item, or null for another kind of item.</summary>
    public static string? Sha256Of(string itemPath) => itemPath.StartsWith(ItemPrefix, StringComparison.Ordinal) ? itemPath[ItemPrefix.Length..] : null;

    public Task<DicomStatus> StoreAsync(StoredInstance instance, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(instance);
        return StoreAsync(instance.ToPart10(), instance.CallingAeTitle, cancellationToken);
    }

    /// <summary>
    /// Stores one Part 10 instance (from C-STORE or STOW-RS) and registers it for screening; success only once both
    /// are durable. <paramref name="sender"/> names the sender in the log (an AE title or a user), never the patient.
    /// </summary>
    public async Task<DicomStatus> StoreAsync(byte[] part10, string sender, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(part10);
        try
        {
            string sha = content.Put(part10);
            long job = await JobIdAsync(cancellationToken);
            await store.AddItemsAsync(job, [ItemPath(sha)], cancellationToken);
            logger.LogInformation("Received an instance from {Sender}: item of job {JobId}", sender, job);
            return DicomStatus.Success;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Not stored means not acknowledged: the sender keeps the image and can send it again.
            logger.LogError("Could not store an instance from {Sender}: {Reason}", sender, e.GetType().Name);
            return DicomStatus.OutOfResources("the instance could not be stored; send it again later");
        }
    }

    /// <summary>The standing job, or null while nothing has been received yet (it is not created just to look).</summary>
    public async Task<long?> ExistingJobIdAsync(CancellationToken cancellationToken) =>
        _jobId ?? (await store.FindJobByKeyAsync(JobKey, cancellationToken))?.Id;

    /// <summary>The standing job that holds every received instance (created on first use).</summary>
    public async Task<long> JobIdAsync(CancellationToken cancellationToken)
    {
        if (_jobId is long known)
        {
            return known;
        }

        await _jobGate.WaitAsync(cancellationToken);
        try
        {
            if (_jobId is null)
            {
                var job = await store.FindJobByKeyAsync(JobKey, cancellationToken);
                if (job is null)
                {
                    try
                    {
                        job = await store.CreateJobAsync(["DICOM network"], """{"kind":"dicom-received"}""", JobKey, cancellationToken);
                    }
                    catch (Exception e) when (e is not OperationCanceledException)
                    {
                        // Another node process may have created it at the same moment; if not, this rethrows.
                        job = await store.FindJobByKeyAsync(JobKey, cancellationToken);
                        if (job is null)
                        {
                            throw;
                        }
                    }
                }

                _jobId = job!.Id;
            }

            return _jobId.Value;
        }
        finally
        {
            _jobGate.Release();
        }
    }
}

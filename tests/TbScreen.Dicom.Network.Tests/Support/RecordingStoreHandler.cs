using System.Collections.Concurrent;

namespace TbScreen.Dicom.Network.Tests.Support;

/// <summary>Keeps what the SCP received; answers with <see cref="Answer"/> (success unless a test changes it).</summary>
public sealed class RecordingStoreHandler : IStoreHandler
{
    public ConcurrentQueue<StoredInstance> Received { get; } = new();

    public Func<StoredInstance, DicomStatus> Answer { get; set; } = _ => DicomStatus.Success;

    public Task<DicomStatus> StoreAsync(StoredInstance instance, CancellationToken cancellationToken)
    {
        Received.Enqueue(instance);
        return Task.FromResult(Answer(instance));
    }

    public StoredInstance Single(string sopInstanceUid) => Received.Single(i => i.SopInstanceUid == sopInstanceUid);
}

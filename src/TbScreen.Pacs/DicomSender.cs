using TbScreen.Dicom.Network;

namespace TbScreen.Pacs;

/// <summary>Sends one Part 10 object to a destination by C-STORE; throws with the peer and the reason when it is not stored.</summary>
public interface IDicomSender
{
    Task SendAsync(DicomPeer destination, byte[] part10, CancellationToken cancellationToken);
}

/// <summary>
/// Asks a destination to commit to keeping objects it was sent (Storage Commitment, PS3.4 J); throws when it refuses.
/// A report the destination sends at once on the same association goes to <c>reports</c>.
/// </summary>
public interface ICommitmentRequester
{
    Task RequestAsync(DicomPeer destination, string transactionUid, IReadOnlyList<CommitmentReference> instances, ICommitmentReportHandler reports,
        CancellationToken cancellationToken);
}

/// <summary>The real sender: our DICOM client, one association per object (PACS outboxes are small and bursty).</summary>
public sealed class DicomClientSender(DicomClient client) : IDicomSender, ICommitmentRequester
{
    public Task RequestAsync(DicomPeer destination, string transactionUid, IReadOnlyList<CommitmentReference> instances, ICommitmentReportHandler reports,
        CancellationToken cancellationToken) =>
        client.RequestCommitmentAsync(destination, transactionUid, instances, reports, cancellationToken);

    public async Task SendAsync(DicomPeer destination, byte[] part10, CancellationToken cancellationToken)
    {
        var results = await client.StoreAsync(destination, [("result", part10)], cancellationToken);
        var result = results.Single();
        if (!result.Stored)
        {
            throw new IOException($"{destination} did not store the object: status {result.Status}");
        }
    }
}

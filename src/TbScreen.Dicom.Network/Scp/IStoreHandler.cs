namespace TbScreen.Dicom.Network;

/// <summary>
/// What the host does with a received instance. The SCP answers C-STORE with the returned status, so return
/// success only once the instance is durable (written to disk and database): the sender deletes its copy on success.
/// An exception is answered with A700 (out of resources) and logged; the association goes on.
/// </summary>
public interface IStoreHandler
{
    Task<DicomStatus> StoreAsync(StoredInstance instance, CancellationToken cancellationToken);
}

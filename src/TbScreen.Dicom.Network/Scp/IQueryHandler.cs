namespace TbScreen.Dicom.Network.Scp;

/// <summary>
/// Answers study-level C-FIND requests (Study Root Query/Retrieve Information Model - FIND, PS3.4 C.6.2). The
/// identifier's non-empty attributes are matching keys and every attribute it lists is a return key (PS3.4 C.2.2).
/// </summary>
public interface IQueryHandler
{
    /// <summary>One identifier per matching study, holding the return keys. Throw <see cref="FormatException"/> for a malformed key.</summary>
    Task<IReadOnlyList<DicomDataset>> FindStudiesAsync(DicomDataset identifier, string callingAeTitle, CancellationToken cancellationToken);
}

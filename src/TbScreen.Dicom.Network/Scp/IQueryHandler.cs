namespace TbScreen.Dicom.Network.Scp;

/// <summary>
/// Answers C-FIND requests (Patient Root and Study Root Query/Retrieve Information Models - FIND, PS3.4 C.6.1, C.6.2)
/// at the Query/Retrieve Level its identifier names. The identifier's non-empty attributes are matching keys and every attribute it lists
/// is a return key (PS3.4 C.2.2).
/// </summary>
public interface IQueryHandler
{
    /// <summary>
    /// One identifier per match, holding the return keys. Throw <see cref="FormatException"/> for a level it does not
    /// answer in <paramref name="model"/> (PATIENT exists in Patient Root only) or a malformed key (answered A900).
    /// </summary>
    Task<IReadOnlyList<DicomDataset>> FindAsync(DicomDataset identifier, QueryRetrieveModel model, string callingAeTitle, CancellationToken cancellationToken);
}

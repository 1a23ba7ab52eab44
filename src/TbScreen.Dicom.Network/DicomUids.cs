using TbScreen.Dicom.Writing;

namespace TbScreen.Dicom.Network;

/// <summary>UIDs the network layer negotiates (PS3.7 A.2.1, PS3.4 Annexes A and B, PS3.6 Annex A).</summary>
public static class DicomUids
{
    /// <summary>The DICOM application context name, the only one defined (PS3.7 A.2.1).</summary>
    public const string ApplicationContext = "1.2.840.10008.3.1.1.1";

    public const string Verification = "1.2.840.10008.1.1";

    /// <summary>Storage Commitment Push Model SOP Class (PS3.4 J.3) and its well-known instance (PS3.4 J.3.5).</summary>
    public const string StorageCommitmentPushModel = "1.2.840.10008.1.20.1";

    public const string StorageCommitmentPushModelInstance = "1.2.840.10008.1.20.1.1";
    public const string ComputedRadiographyImageStorage = "1.2.840.10008.5.1.4.1.1.1";
    public const string DigitalXRayImageStorageForPresentation = "1.2.840.10008.5.1.4.1.1.1.1";
    public const string DigitalXRayImageStorageForProcessing = "1.2.840.10008.5.1.4.1.1.1.1.1";
    public const string SecondaryCaptureImageStorage = "1.2.840.10008.5.1.4.1.1.7";
    public const string ComprehensiveSrStorage = "1.2.840.10008.5.1.4.1.1.88.33";
    public const string PatientRootQueryRetrieveFind = "1.2.840.10008.5.1.4.1.2.1.1";
    public const string PatientRootQueryRetrieveMove = "1.2.840.10008.5.1.4.1.2.1.2";
    public const string PatientRootQueryRetrieveGet = "1.2.840.10008.5.1.4.1.2.1.3";
    public const string StudyRootQueryRetrieveFind = "1.2.840.10008.5.1.4.1.2.2.1";
    public const string StudyRootQueryRetrieveMove = "1.2.840.10008.5.1.4.1.2.2.2";
    public const string StudyRootQueryRetrieveGet = "1.2.840.10008.5.1.4.1.2.2.3";

    /// <summary>The information model of a Query/Retrieve SOP class (PS3.4 C.6.1, C.6.2); null for any other class.</summary>
    public static QueryRetrieveModel? ModelOf(string sopClassUid) => sopClassUid switch
    {
        PatientRootQueryRetrieveFind or PatientRootQueryRetrieveMove or PatientRootQueryRetrieveGet => QueryRetrieveModel.PatientRoot,
        StudyRootQueryRetrieveFind or StudyRootQueryRetrieveMove or StudyRootQueryRetrieveGet => QueryRetrieveModel.StudyRoot,
        _ => null,
    };

    /// <summary>Shared with the file writer so files and associations name the same implementation.</summary>
    public const string ImplementationClassUid = DicomWriter.ImplementationClassUid;

    public const string ImplementationVersionName = "TBSCREEN_1";

    /// <summary>What the SCP stores unless configured otherwise: chest radiographs in, our results looped back.</summary>
    public static IReadOnlyList<string> DefaultStorageSopClasses { get; } =
    [
        ComputedRadiographyImageStorage,
        DigitalXRayImageStorageForPresentation,
        DigitalXRayImageStorageForProcessing,
        SecondaryCaptureImageStorage,
        ComprehensiveSrStorage,
    ];
}

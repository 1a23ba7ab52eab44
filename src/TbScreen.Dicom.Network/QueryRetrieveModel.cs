namespace TbScreen.Dicom.Network;

/// <summary>
/// The Query/Retrieve information model a request was made in (PS3.4 C.6): Patient Root has a PATIENT level above
/// STUDY; Study Root starts at STUDY. SERIES and IMAGE are the same in both.
/// </summary>
public enum QueryRetrieveModel
{
    PatientRoot,
    StudyRoot,
}

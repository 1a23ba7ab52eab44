using System.Text;
using TbScreen.Dicom;
using TbScreen.Dicom.Writing;

namespace TbScreen.Pacs;

/// <summary>
/// The Patient and General Study modules of our objects, copied from the source radiograph so PACS files them
/// with it; every value passes <see cref="ValueRepair"/> first. Type 2 attributes are present (empty when the
/// source lacks a valid value).
/// </summary>
internal static class SourceModules
{
    /// <summary>Copies the modules into <paramref name="target"/>; returns the Study Instance UID used.</summary>
    public static string CopyPatientAndStudy(DicomDataset source, DicomDataset target)
    {
        Copy(source, target, SrTags.PatientName, "PN");
        Copy(source, target, SrTags.PatientId, "LO");
        Copy(source, target, SrTags.PatientBirthDate, "DA");
        target.AddString(SrTags.PatientSex, "CS", ValueRepair.Sex(source.GetString(SrTags.PatientSex)) ?? "");
        // Patient Study module (optional): only a valid or certainly repaired age.
        if (ValueRepair.Clean("AS", source.GetString(SrTags.PatientAge)) is { } age)
        {
            target.AddString(SrTags.PatientAge, "AS", age);
        }

        // Without a valid Study Instance UID the report cannot join the study; it gets a study of its own.
        string study = ValueRepair.Clean("UI", source.GetString(SrTags.StudyInstanceUid)) ?? UidGenerator.New();
        target.AddString(SrTags.StudyInstanceUid, "UI", study);
        Copy(source, target, SrTags.StudyDate, "DA");
        Copy(source, target, SrTags.StudyTime, "TM");
        Copy(source, target, SrTags.ReferringPhysicianName, "PN");
        Copy(source, target, SrTags.StudyId, "SH");
        Copy(source, target, SrTags.AccessionNumber, "SH");
        if (ValueRepair.Clean("LO", source.GetString(SrTags.StudyDescription)) is { } description)
        {
            target.AddString(SrTags.StudyDescription, "LO", description);
        }

        return study;
    }

    private static void Copy(DicomDataset source, DicomDataset target, uint tag, string vr) =>
        target.AddString(tag, vr, ValueRepair.Clean(vr, source.GetString(tag)) ?? "");
}

using TbScreen.Dicom.Writing;

namespace TbScreen.Dicom.Samples;

/// <summary>What a synthetic sample should look like.</summary>
public sealed record SampleSpec(
    int Rows = 256,
    int Columns = 224,
    int BitsAllocated = 16,
    int BitsStored = 12,
    bool Signed = false,
    string Photometric = "MONOCHROME2",
    int Seed = 1,
    string PatientSex = "F",
    string PatientAge = "042Y");

/// <summary>Builds de-identified CR chest datasets around <see cref="ChestPhantom"/>.</summary>
public static class SampleDatasets
{
    public const string ComputedRadiographySopClass = "1.2.840.10008.5.1.4.1.1.1";

    /// <summary>A dataset whose stored values are returned too, so tests can compare decodes.</summary>
    public static (DicomDataset Dataset, int[] Stored) Create(SampleSpec spec)
    {
        int range = (1 << spec.BitsStored) - 1;
        var stored = ChestPhantom.Generate(spec.Rows, spec.Columns, range, spec.Seed);
        bool inverted = spec.Photometric == "MONOCHROME1";
        for (int i = 0; i < stored.Length; i++)
        {
            int v = inverted ? range - stored[i] : stored[i];
            stored[i] = spec.Signed ? v - (range + 1) / 2 : v; // signed data centred on zero
        }

        string uidRoot = "1.2.826.0.1.3680043.10.1386." + spec.Seed;
        var ds = new DicomDataset()
            .AddString(DicomTag.SpecificCharacterSet, "CS", "ISO_IR 100")
            .AddString(DicomTag.SopClassUid, "UI", ComputedRadiographySopClass)
            .AddString(DicomTag.SopInstanceUid, "UI", uidRoot + ".3")
            .AddString(DicomTag.Modality, "CS", "CR")
            .AddString(DicomTag.Manufacturer, "LO", "TbScreen Phantom")
            .AddString(DicomTag.InstitutionName, "LO", "Synthetic Hospital")
            .AddString(DicomTag.ManufacturerModelName, "LO", "ChestPhantom v1")
            .AddString(DicomTag.PatientName, "PN", "Phantom^Synthetic")
            .AddString(DicomTag.PatientId, "LO", "PHANTOM-" + spec.Seed)
            .AddString(DicomTag.PatientSex, "CS", spec.PatientSex)
            .AddString(DicomTag.PatientAge, "AS", spec.PatientAge)
            .AddString(DicomTag.PatientBirthDate, "DA", "19840101")
            .AddString(DicomTag.BodyPartExamined, "CS", "CHEST")
            .AddString(DicomTag.ViewPosition, "CS", "PA")
            .AddDecimal(DicomTag.ImagerPixelSpacing, 0.4, 0.4)
            .AddString(DicomTag.StudyInstanceUid, "UI", uidRoot + ".1")
            .AddString(DicomTag.SeriesInstanceUid, "UI", uidRoot + ".2")
            .AddUInt16(DicomTag.SamplesPerPixel, 1)
            .AddString(DicomTag.PhotometricInterpretation, "CS", spec.Photometric)
            .AddUInt16(DicomTag.Rows, (ushort)spec.Rows)
            .AddUInt16(DicomTag.Columns, (ushort)spec.Columns)
            .AddUInt16(DicomTag.BitsAllocated, (ushort)spec.BitsAllocated)
            .AddUInt16(DicomTag.BitsStored, (ushort)spec.BitsStored)
            .AddUInt16(DicomTag.HighBit, (ushort)(spec.BitsStored - 1))
            .AddUInt16(DicomTag.PixelRepresentation, (ushort)(spec.Signed ? 1 : 0))
            .AddDecimal(DicomTag.WindowCenter, spec.Signed ? 0 : (range + 1) / 2.0)
            .AddDecimal(DicomTag.WindowWidth, range + 1)
            .AddNativePixels(stored, spec.BitsAllocated);
        return (ds, stored);
    }
}

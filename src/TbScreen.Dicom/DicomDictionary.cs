namespace TbScreen.Dicom;

/// <summary>
/// The subset of the data dictionary that implicit-VR files need: the VRs of the attributes we
/// read, and which tags are sequences (so implicit datasets parse into items, not blobs).
/// </summary>
internal static class DicomDictionary
{
    private static readonly Dictionary<uint, string> Vrs = new()
    {
        [DicomTag.FileMetaInformationGroupLength] = "UL",
        [DicomTag.MediaStorageSopClassUid] = "UI",
        [DicomTag.MediaStorageSopInstanceUid] = "UI",
        [DicomTag.TransferSyntaxUid] = "UI",
        [DicomTag.ImplementationClassUid] = "UI",
        [DicomTag.SpecificCharacterSet] = "CS",
        [0x00080008] = "CS",
        [0x00080020] = "DA",
        [0x00080030] = "TM",
        [0x00080050] = "SH",
        [DicomTag.SopClassUid] = "UI",
        [DicomTag.SopInstanceUid] = "UI",
        [DicomTag.Modality] = "CS",
        [DicomTag.PresentationIntentType] = "CS",
        [DicomTag.Manufacturer] = "LO",
        [DicomTag.InstitutionName] = "LO",
        [0x00080090] = "PN",
        [0x00081030] = "LO",
        [0x0008103E] = "LO",
        [DicomTag.StationName] = "SH",
        [DicomTag.ManufacturerModelName] = "LO",
        [DicomTag.PatientName] = "PN",
        [DicomTag.PatientId] = "LO",
        [DicomTag.IssuerOfPatientId] = "LO",
        [DicomTag.PatientBirthDate] = "DA",
        [DicomTag.PatientSex] = "CS",
        [DicomTag.PatientAge] = "AS",
        [DicomTag.BodyPartExamined] = "CS",
        [DicomTag.ImagerPixelSpacing] = "DS",
        [DicomTag.ViewPosition] = "CS",
        [DicomTag.StudyInstanceUid] = "UI",
        [DicomTag.SeriesInstanceUid] = "UI",
        [0x00200010] = "SH",
        [0x00200011] = "IS",
        [0x00200013] = "IS",
        [0x00200020] = "CS",
        [DicomTag.ImageLaterality] = "CS",
        [DicomTag.SamplesPerPixel] = "US",
        [DicomTag.PhotometricInterpretation] = "CS",
        [DicomTag.PlanarConfiguration] = "US",
        [DicomTag.NumberOfFrames] = "IS",
        [DicomTag.Rows] = "US",
        [DicomTag.Columns] = "US",
        [DicomTag.PixelSpacing] = "DS",
        [DicomTag.BitsAllocated] = "US",
        [DicomTag.BitsStored] = "US",
        [DicomTag.HighBit] = "US",
        [DicomTag.PixelRepresentation] = "US",
        [DicomTag.PixelPaddingValue] = "US", // US or SS by Pixel Representation: reinterpreted where read
        [DicomTag.PixelPaddingRangeLimit] = "US",
        [DicomTag.WindowCenter] = "DS",
        [DicomTag.WindowWidth] = "DS",
        [DicomTag.RescaleIntercept] = "DS",
        [DicomTag.RescaleSlope] = "DS",
        [0x00281054] = "LO",
        [0x00281055] = "LO",
        [DicomTag.VoiLutFunction] = "CS",
        [DicomTag.ModalityLutSequence] = "SQ",
        [DicomTag.ModalityLutType] = "LO",
        [DicomTag.VoiLutSequence] = "SQ",
        [0x00283003] = "LO",
        [DicomTag.PresentationLutShape] = "CS",
        [DicomTag.ExtendedOffsetTable] = "OV",
        [DicomTag.ExtendedOffsetTableLengths] = "OV",
        [0x00081110] = "SQ",
        [0x00081111] = "SQ",
        [0x00081115] = "SQ",
        [0x00081140] = "SQ",
        [0x00082112] = "SQ",
        [0x00082218] = "SQ",
        [0x00082228] = "SQ",
        [0x00400260] = "SQ",
        [0x00400275] = "SQ",
        [0x0040A730] = "SQ",
        [0x00540220] = "SQ",
        [0x00189506] = "SQ",
        [0x00209222] = "SQ",
        [0x52009229] = "SQ",
        [0x52009230] = "SQ",
        [0x00400555] = "SQ",
        [0x00880200] = "SQ",
        [0x00081032] = "SQ",
        [0x00321064] = "SQ",
        [0x00400008] = "SQ",
    };

    public static string VrOf(uint tag, int bitsAllocatedHint = 16)
    {
        if (tag == DicomTag.PixelData)
        {
            return bitsAllocatedHint <= 8 ? "OB" : "OW";
        }

        if (tag == DicomTag.LutDescriptor)
        {
            return "US";
        }

        if (tag == DicomTag.LutData)
        {
            return "OW";
        }

        if ((tag & 0xFFFF) == 0x0000)
        {
            return "UL"; // group length
        }

        return Vrs.TryGetValue(tag, out var vr) ? vr : "UN";
    }
}

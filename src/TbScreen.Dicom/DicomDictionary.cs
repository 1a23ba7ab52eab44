namespace TbScreen.Dicom;

/// <summary>
/// The subset of the data dictionary (PS3.6) that implicit-VR files need: the VRs of the attributes we read or that
/// radiographs commonly carry (DICOM JSON shows them typed), and which tags are sequences (so implicit datasets parse
/// into items, not blobs). Anything else reads as UN, its bytes kept.
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
        // Storage Commitment (PS3.4 J.3): Transaction UID, Failure Reason, Failed and Referenced SOP Sequences, their UIDs
        [0x00081195] = "UI",
        [0x00081197] = "US",
        [0x00081198] = "SQ",
        [0x00081199] = "SQ",
        [0x00081150] = "UI",
        [0x00081155] = "UI",
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
        // Instance Creation Date
        [0x00080012] = "DA",
        [0x00080013] = "TM",
        [0x00080014] = "UI",
        // Series, Acquisition and Content Date and Time
        [0x00080021] = "DA",
        [0x00080022] = "DA",
        [0x00080023] = "DA",
        [0x0008002A] = "DT",
        [0x00080031] = "TM",
        [0x00080032] = "TM",
        [0x00080033] = "TM",
        // Conversion Type
        [0x00080064] = "CS",
        // Institutional Department Name
        [0x00081040] = "LO",
        // Physicians and operators
        [0x00081060] = "PN",
        [0x00081070] = "PN",
        // Acquisition: KVP, device, plate and exposure
        [0x00180060] = "DS",
        [0x00181000] = "LO",
        [0x00181020] = "LO",
        [0x00181030] = "LO",
        [0x00181050] = "DS",
        [0x00181110] = "DS",
        [0x00181150] = "IS",
        [0x00181151] = "IS",
        [0x00181152] = "IS",
        [0x00181260] = "SH",
        [0x00181261] = "LO",
        [0x00181400] = "LO",
        [0x00181401] = "LO",
        [0x00181402] = "CS",
        [0x00181403] = "CS",
        [0x00186000] = "DS",
        // Pixel Aspect Ratio
        [0x00280034] = "IS",
        // Border Density (film)
        [0x20100100] = "CS",
        [0x00400555] = "SQ",
        [0x00880200] = "SQ",
        [0x00081032] = "SQ",
        [0x00321064] = "SQ",
        [0x00400008] = "SQ",
    };

    /// <summary>Attributes whose VR is US or SS by Pixel Representation (PS3.6 "US or SS").</summary>
    private static readonly HashSet<uint> PixelValued =
    [
        0x00280106, 0x00280107, 0x00280108, 0x00280109, DicomTag.PixelPaddingValue, DicomTag.PixelPaddingRangeLimit,
    ];

    /// <param name="tag">The attribute.</param>
    /// <param name="bitsAllocatedHint">Bits Allocated of the dataset so far: Pixel Data is OB at 8 bits, else OW.</param>
    /// <param name="signedPixels">Pixel Representation 1 so far: pixel-valued attributes are then SS (readers reinterpret anyway).</param>
    public static string VrOf(uint tag, int bitsAllocatedHint = 16, bool signedPixels = false)
    {
        if (PixelValued.Contains(tag))
        {
            return signedPixels ? "SS" : "US";
        }

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

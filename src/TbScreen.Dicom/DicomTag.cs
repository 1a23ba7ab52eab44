namespace TbScreen.Dicom;

/// <summary>Tags the product reads or writes. A tag is (group &lt;&lt; 16) | element.</summary>
public static class DicomTag
{
    public const uint FileMetaInformationGroupLength = 0x00020000;
    public const uint MediaStorageSopClassUid = 0x00020002;
    public const uint MediaStorageSopInstanceUid = 0x00020003;
    public const uint TransferSyntaxUid = 0x00020010;
    public const uint ImplementationClassUid = 0x00020012;

    public const uint SpecificCharacterSet = 0x00080005;
    public const uint SopClassUid = 0x00080016;
    public const uint SopInstanceUid = 0x00080018;
    public const uint Modality = 0x00080060;
    public const uint PresentationIntentType = 0x00080068;
    public const uint Manufacturer = 0x00080070;
    public const uint InstitutionName = 0x00080080;
    public const uint StationName = 0x00081010;
    public const uint ManufacturerModelName = 0x00081090;

    public const uint PatientName = 0x00100010;
    public const uint PatientId = 0x00100020;
    public const uint IssuerOfPatientId = 0x00100021;
    public const uint PatientBirthDate = 0x00100030;
    public const uint PatientSex = 0x00100040;
    public const uint PatientAge = 0x00101010;

    public const uint BodyPartExamined = 0x00180015;
    public const uint ImagerPixelSpacing = 0x00181164;
    public const uint ViewPosition = 0x00185101;

    public const uint StudyInstanceUid = 0x0020000D;
    public const uint SeriesInstanceUid = 0x0020000E;
    public const uint ImageLaterality = 0x00200062;

    public const uint SamplesPerPixel = 0x00280002;
    public const uint PhotometricInterpretation = 0x00280004;
    public const uint PlanarConfiguration = 0x00280006;
    public const uint NumberOfFrames = 0x00280008;
    public const uint Rows = 0x00280010;
    public const uint Columns = 0x00280011;
    public const uint PixelSpacing = 0x00280030;
    public const uint BitsAllocated = 0x00280100;
    public const uint BitsStored = 0x00280101;
    public const uint HighBit = 0x00280102;
    public const uint PixelRepresentation = 0x00280103;
    public const uint WindowCenter = 0x00281050;
    public const uint WindowWidth = 0x00281051;
    public const uint RescaleIntercept = 0x00281052;
    public const uint RescaleSlope = 0x00281053;
    public const uint VoiLutFunction = 0x00281056;
    public const uint PixelPaddingValue = 0x00280120;
    public const uint PixelPaddingRangeLimit = 0x00280121;
    public const uint ModalityLutSequence = 0x00283000;
    public const uint LutDescriptor = 0x00283002;
    public const uint ModalityLutType = 0x00283004;
    public const uint LutData = 0x00283006;
    public const uint VoiLutSequence = 0x00283010;
    public const uint PresentationLutShape = 0x20500020;

    public const uint ExtendedOffsetTable = 0x7FE00001;
    public const uint ExtendedOffsetTableLengths = 0x7FE00002;
    public const uint PixelData = 0x7FE00010;

    public const uint Item = 0xFFFEE000;
    public const uint ItemDelimitationItem = 0xFFFEE00D;
    public const uint SequenceDelimitationItem = 0xFFFEE0DD;

    public static ushort Group(uint tag) => (ushort)(tag >> 16);

    public static string Format(uint tag) => $"({tag >> 16:X4},{tag & 0xFFFF:X4})";
}

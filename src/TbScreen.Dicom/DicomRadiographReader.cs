using System.Globalization;
using TbScreen.Dicom.Pixels;
using TbScreen.Imaging;

namespace TbScreen.Dicom;

/// <summary>
/// Turns a DICOM file into a <see cref="Radiograph"/>: frame 1 (a radiograph has one; for
/// multi-frame files we use the first and record the frame count), the Modality LUT, the VOI
/// transform and the de-identified metadata.
/// </summary>
public sealed class DicomRadiographReader
{
    private readonly IDicomReader _reader;
    private readonly PixelDataDecoder _decoder;

    public DicomRadiographReader(IDicomReader? reader = null, PixelDataDecoder? decoder = null)
    {
        _reader = reader ?? new DicomReader();
        _decoder = decoder ?? PixelDataDecoder.Default;
    }

    public Radiograph Read(string path) => ToRadiograph(_reader.Read(path));

    public Radiograph Read(Stream stream, string sourceName) => ToRadiograph(_reader.Read(stream, sourceName));

    public Radiograph ToRadiograph(DicomFile file)
    {
        ArgumentNullException.ThrowIfNull(file);
        var frame = _decoder.DecodeStoredFrame(file, frameIndex: 0);
        try
        {
            return Build(file, frame);
        }
        catch (DicomException e)
        {
            throw e.WithFile(file.Source);
        }
    }

    private static Radiograph Build(DicomFile file, StoredFrame frame)
    {
        var ds = file.Dataset;
        var pixels = frame.Pixels;
        string photometric = pixels.PhotometricInterpretation.ToUpperInvariant();
        int[] values = frame.Values;
        if (pixels.SamplesPerPixel > 1)
        {
            values = ColourConversion.ToInterleavedRgb(values, pixels, photometric, file.TransferSyntax);
            photometric = "RGB";
        }
        else if (!photometric.StartsWith("MONOCHROME", StringComparison.Ordinal))
        {
            throw new DicomException($"photometric interpretation {photometric} is not supported for radiographs", tag: DicomTag.PhotometricInterpretation);
        }

        var layout = new PixelLayout(pixels.Rows, pixels.Columns, pixels.SamplesPerPixel == 1 ? 1 : 3, pixels.BitsStored, pixels.IsSigned, photometric);
        return new Radiograph(layout, values, DicomMetadata.Extract(ds, pixels.NumberOfFrames))
        {
            ModalityLut = DicomLuts.ReadModalityLut(ds, pixels.IsSigned),
            Voi = DicomLuts.ReadVoi(ds),
            Padding = pixels.SamplesPerPixel == 1 ? ReadPadding(ds, pixels.IsSigned) : null,
            Source = file.Source,
        };
    }

    /// <summary>
    /// Pixel Padding Value (0028,0120), with Pixel Padding Range Limit (0028,0121) a range (PS3.3 C.7.5.1.1.2), as
    /// stored values. Their VR (US or SS) follows Pixel Representation, so a value read as the other is reinterpreted,
    /// as the LUT descriptor's first value is.
    /// </summary>
    private static PixelPadding? ReadPadding(DicomDataset ds, bool signed)
    {
        int Stored(int raw) => signed ? (short)(ushort)raw : (ushort)raw;
        if (ds.GetInt(DicomTag.PixelPaddingValue) is not int value)
        {
            return null;
        }

        int first = Stored(value);
        int limit = ds.GetInt(DicomTag.PixelPaddingRangeLimit) is int raw ? Stored(raw) : first;
        return new PixelPadding(Math.Min(first, limit), Math.Max(first, limit));
    }
}

/// <summary>Extracts the attributes the product uses (the Patient ID only inside a <see cref="PatientIdentifier"/>).</summary>
public static class DicomMetadata
{
    public static RadiographMetadata Extract(DicomDataset ds, int numberOfFrames) => new()
    {
        PatientId = PatientIdentifier.From(ds.GetString(DicomTag.PatientId), ds.GetString(DicomTag.IssuerOfPatientId)),
        PatientSex = ds.GetString(DicomTag.PatientSex),
        PatientAge = ds.GetString(DicomTag.PatientAge),
        PatientBirthDate = ds.GetString(DicomTag.PatientBirthDate),
        StudyInstanceUid = ds.GetString(DicomTag.StudyInstanceUid),
        SeriesInstanceUid = ds.GetString(DicomTag.SeriesInstanceUid),
        SopInstanceUid = ds.GetString(DicomTag.SopInstanceUid),
        Modality = ds.GetString(DicomTag.Modality),
        PresentationIntentType = ds.GetString(DicomTag.PresentationIntentType),
        SopClassUid = ds.GetString(DicomTag.SopClassUid),
        BodyPartExamined = ds.GetString(DicomTag.BodyPartExamined),
        ViewPosition = ds.GetString(DicomTag.ViewPosition),
        Manufacturer = ds.GetString(DicomTag.Manufacturer),
        ManufacturerModelName = ds.GetString(DicomTag.ManufacturerModelName),
        InstitutionName = ds.GetString(DicomTag.InstitutionName),
        StationName = ds.GetString(DicomTag.StationName),
        NumberOfFrames = numberOfFrames,
        PixelSpacingMm = Spacing(ds, DicomTag.PixelSpacing) ?? Spacing(ds, DicomTag.ImagerPixelSpacing),
    };

    private static (double, double)? Spacing(DicomDataset ds, uint tag)
    {
        var values = ds.GetDoubles(tag);
        return values.Length >= 2 && values[0] > 0 && values[1] > 0 ? (values[0], values[1]) : null;
    }

    /// <summary>A one-line summary for logs: no names, IDs, dates of birth or UIDs (only a short hash of the SOP UID).</summary>
    public static string DeidentifiedSummary(DicomFile file)
    {
        var ds = file.Dataset;
        string? sop = ds.GetString(DicomTag.SopInstanceUid);
        string sopHash = sop is null
            ? "none"
            : Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.ASCII.GetBytes(sop)))[..12];
        return string.Create(CultureInfo.InvariantCulture,
            $"modality={ds.GetString(DicomTag.Modality) ?? "?"} size={ds.GetInt(DicomTag.Columns)}x{ds.GetInt(DicomTag.Rows)} " +
            $"frames={ds.GetInt(DicomTag.NumberOfFrames) ?? 1} photometric={ds.GetString(DicomTag.PhotometricInterpretation) ?? "?"} " +
            $"bits={ds.GetInt(DicomTag.BitsStored)}/{ds.GetInt(DicomTag.BitsAllocated)} ts={file.TransferSyntax.Uid} " +
            $"sex={ds.GetString(DicomTag.PatientSex) ?? "?"} age={ds.GetString(DicomTag.PatientAge) ?? "?"} " +
            $"view={ds.GetString(DicomTag.ViewPosition) ?? "?"} manufacturer={ds.GetString(DicomTag.Manufacturer) ?? "?"} sop#={sopHash}");
    }
}

using TbScreen.Dicom.Codecs;

namespace TbScreen.Dicom.Pixels;

/// <summary>The Image Pixel module, validated so that later stages can trust every number.</summary>
public sealed record PixelDescription(
    int Rows,
    int Columns,
    int SamplesPerPixel,
    int BitsAllocated,
    int BitsStored,
    int HighBit,
    int PixelRepresentation,
    string PhotometricInterpretation,
    int PlanarConfiguration,
    int NumberOfFrames)
{
    /// <summary>Largest frame we decode (8192 x 8192 samples): far above any radiograph detector, far below memory trouble.</summary>
    public const long MaxSamplesPerFrame = 1L << 26;

    public bool IsSigned => PixelRepresentation == 1;

    public long SamplesPerFrame => (long)Rows * Columns * SamplesPerPixel;

    public FrameInfo ToFrameInfo() => new(Rows, Columns, SamplesPerPixel, BitsAllocated, BitsStored, IsSigned, PlanarConfiguration, PhotometricInterpretation);

    public static PixelDescription FromDataset(DicomDataset ds)
    {
        int rows = Require(ds, DicomTag.Rows, "Rows");
        int columns = Require(ds, DicomTag.Columns, "Columns");
        int bitsAllocated = Require(ds, DicomTag.BitsAllocated, "Bits Allocated");
        int samples = ds.GetInt(DicomTag.SamplesPerPixel) ?? 1;
        int bitsStored = ds.GetInt(DicomTag.BitsStored) ?? bitsAllocated;
        int highBit = ds.GetInt(DicomTag.HighBit) ?? bitsStored - 1;
        int representation = ds.GetInt(DicomTag.PixelRepresentation) ?? 0;
        string photometric = ds.GetString(DicomTag.PhotometricInterpretation) ?? (samples == 1 ? "MONOCHROME2" : "RGB");
        int planar = ds.GetInt(DicomTag.PlanarConfiguration) ?? 0;
        int frames = ds.GetInt(DicomTag.NumberOfFrames) ?? 1;

        if (rows <= 0 || columns <= 0)
        {
            throw new DicomException($"invalid image size {rows}x{columns}", tag: DicomTag.Rows);
        }

        if (bitsAllocated is not (1 or 8 or 16 or 32))
        {
            throw new DicomException($"unsupported Bits Allocated {bitsAllocated}", tag: DicomTag.BitsAllocated);
        }

        if (bitsStored < 1 || bitsStored > bitsAllocated)
        {
            throw new DicomException($"Bits Stored {bitsStored} is outside 1..{bitsAllocated}", tag: DicomTag.BitsStored);
        }

        if (highBit < bitsStored - 1 || highBit >= bitsAllocated)
        {
            throw new DicomException($"High Bit {highBit} is inconsistent with Bits Stored {bitsStored} and Bits Allocated {bitsAllocated}", tag: DicomTag.HighBit);
        }

        if (samples is not (1 or 3 or 4))
        {
            throw new DicomException($"unsupported Samples per Pixel {samples}", tag: DicomTag.SamplesPerPixel);
        }

        if (representation is not (0 or 1))
        {
            throw new DicomException($"invalid Pixel Representation {representation}", tag: DicomTag.PixelRepresentation);
        }

        if (planar is not (0 or 1))
        {
            throw new DicomException($"invalid Planar Configuration {planar}", tag: DicomTag.PlanarConfiguration);
        }

        if (frames < 1)
        {
            throw new DicomException($"invalid Number of Frames {frames}", tag: DicomTag.NumberOfFrames);
        }

        var description = new PixelDescription(rows, columns, samples, bitsAllocated, bitsStored, highBit, representation, photometric, planar, frames);
        if (description.SamplesPerFrame > MaxSamplesPerFrame)
        {
            throw new DicomException($"frame of {rows}x{columns}x{samples} samples exceeds the {MaxSamplesPerFrame}-sample limit", tag: DicomTag.Rows);
        }

        return description;
    }

    private static int Require(DicomDataset ds, uint tag, string name) =>
        ds.GetInt(tag) ?? throw new DicomException($"required attribute {name} is missing or invalid", tag: tag);
}

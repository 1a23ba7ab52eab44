namespace TbScreen.Imaging;

/// <summary>
/// One radiograph as it came off the wire: the stored sample values of a single frame plus the
/// transforms DICOM says to apply to them. Nothing here has been windowed or inverted yet; that is
/// the job of <see cref="RadiographPipeline"/>, so that training and inference share one path.
/// </summary>
public sealed class Radiograph
{
    public Radiograph(PixelLayout layout, int[] storedPixels, RadiographMetadata metadata)
    {
        ArgumentNullException.ThrowIfNull(layout);
        ArgumentNullException.ThrowIfNull(storedPixels);
        ArgumentNullException.ThrowIfNull(metadata);
        long expected = (long)layout.Rows * layout.Columns * layout.SamplesPerPixel;
        if (storedPixels.Length != expected)
        {
            throw new ArgumentException(
                $"Expected {expected} samples for {layout.Rows}x{layout.Columns}x{layout.SamplesPerPixel}, got {storedPixels.Length}.",
                nameof(storedPixels));
        }

        Layout = layout;
        StoredPixels = storedPixels;
        Metadata = metadata;
    }

    public PixelLayout Layout { get; }

    /// <summary>Stored values of frame 1, masked to Bits Stored and sign-extended, row-major, samples interleaved.</summary>
    public int[] StoredPixels { get; }

    public RadiographMetadata Metadata { get; }

    /// <summary>Modality LUT (rescale or LUT sequence); identity when null.</summary>
    public ModalityLut? ModalityLut { get; init; }

    /// <summary>VOI transform (window or LUT); when null the pipeline uses its documented fallback.</summary>
    public VoiTransform? Voi { get; init; }

    /// <summary>
    /// Further windows or VOI LUTs the file offers (for a viewer to cycle through). The pipeline uses
    /// <see cref="Voi"/> only, so the first one found is the one models are trained on.
    /// </summary>
    public IReadOnlyList<VoiTransform> AlternativeVois { get; init; } = [];

    /// <summary>
    /// Stored values that are padding, not image (DICOM Pixel Padding Value and Range Limit): left out of the fallback
    /// window and rendered black. Null when the file names none.
    /// </summary>
    public PixelPadding? Padding { get; init; }

    /// <summary>Where the image came from (a path or an upload name), for error messages only.</summary>
    public string Source { get; init; } = "(memory)";
}

/// <summary>
/// Stored values from <paramref name="Low"/> to <paramref name="High"/> (inclusive) pad the image to a rectangle or mark
/// background to suppress (PS3.3 C.7.5.1.1.2): no pixel of the image itself has them.
/// </summary>
public sealed record PixelPadding(int Low, int High)
{
    public bool Contains(int stored) => stored >= Low && stored <= High;
}

/// <summary>How the stored samples are laid out.</summary>
public sealed record PixelLayout(
    int Rows,
    int Columns,
    int SamplesPerPixel,
    int BitsStored,
    bool IsSigned,
    string PhotometricInterpretation)
{
    public bool IsMonochrome1 => PhotometricInterpretation == "MONOCHROME1";

    public bool IsMonochrome => PhotometricInterpretation.StartsWith("MONOCHROME", StringComparison.Ordinal);
}

/// <summary>
/// Attributes the product needs; never names. The Patient ID travels only inside <see cref="PatientId"/>, which the
/// screening pipeline replaces with <see cref="PatientPseudonym"/> before an outcome leaves it.
/// </summary>
public sealed record RadiographMetadata
{
    /// <summary>The file's Patient ID, withheld from printing; null once de-identified.</summary>
    public PatientIdentifier? PatientId { get; init; }

    /// <summary>Keyed pseudonym of the Patient ID (<see cref="PatientIdentifier.KeyedPseudonym"/>); null when the host keeps none.</summary>
    public string? PatientPseudonym { get; init; }

    public string? PatientSex { get; init; }
    public string? PatientAge { get; init; }
    public string? PatientBirthDate { get; init; }
    public string? StudyInstanceUid { get; init; }
    public string? SeriesInstanceUid { get; init; }
    public string? SopInstanceUid { get; init; }
    public string? Modality { get; init; }

    /// <summary>Presentation Intent Type (0008,0068): FOR PRESENTATION, or FOR PROCESSING (raw detector data).</summary>
    public string? PresentationIntentType { get; init; }

    /// <summary>SOP Class UID (0008,0016): which kind of image object (e.g. DX for presentation or for processing).</summary>
    public string? SopClassUid { get; init; }
    public string? BodyPartExamined { get; init; }
    public string? ViewPosition { get; init; }
    public string? Manufacturer { get; init; }
    public string? ManufacturerModelName { get; init; }
    public string? InstitutionName { get; init; }

    /// <summary>DICOM Station Name (0008,1010): which device or room; site rules match on it.</summary>
    public string? StationName { get; init; }
    public int NumberOfFrames { get; init; } = 1;

    /// <summary>Row and column spacing in mm (Pixel Spacing, else Imager Pixel Spacing).</summary>
    public (double Row, double Column)? PixelSpacingMm { get; init; }
}

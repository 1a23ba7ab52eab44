namespace TbScreen.Imaging;

/// <summary>How the square model input is made from an image of another shape.</summary>
public enum ResizeMode
{
    /// <summary>Scale the longer side to Size, keep the aspect ratio, pad centred with 0 (black).</summary>
    Letterbox,

    /// <summary>Scale each axis independently to Size; distorts the aspect ratio.</summary>
    Stretch,
}

/// <summary>Optional intensity standardisation after inversion and cropping, before resizing.</summary>
public enum IntensityStandardisation
{
    None,

    /// <summary>Global histogram equalisation (256 bins, mid-rank mapping).</summary>
    HistogramEqualisation,

    /// <summary>Contrast-limited adaptive histogram equalisation (tiles x tiles grid, clip limit).</summary>
    Clahe,
}

/// <summary>
/// Everything that decides how a radiograph becomes a model input tensor. Stored in a model bundle's
/// metadata.json so inference reproduces exactly the preprocessing the model was trained with.
/// Flat primitives only, so it serialises without custom converters.
/// </summary>
public sealed record InputContract
{
    /// <summary>Version of the fixed stages (modality, VOI, fallback window, inversion, luma) in <see cref="RadiographPipeline"/>.</summary>
    public const string CurrentPipelineVersion = "tbscreen-preprocess-1";

    /// <summary>
    /// Version 1's stages plus the lung-field crop (stage 5a). A contract with <see cref="CropToLungs"/> must carry it, so
    /// that a build without the stage refuses the bundle instead of silently feeding it the whole film.
    /// </summary>
    public const string LungCropPipelineVersion = "tbscreen-preprocess-2";

    /// <summary>This contract with the lung-field crop switched on and the pipeline version that names it.</summary>
    public InputContract WithLungCrop() => this with { CropToLungs = true, PipelineVersion = LungCropPipelineVersion };

    /// <summary>This contract on the whole film (version 1), everything else unchanged.</summary>
    public InputContract WithoutLungCrop() => this with { CropToLungs = false, PipelineVersion = CurrentPipelineVersion };

    public const string AreaFilter = "area";
    public const string BilinearFilter = "bilinear";

    public string PipelineVersion { get; init; } = CurrentPipelineVersion;

    /// <summary>Output is Size x Size pixels.</summary>
    public int Size { get; init; } = 224;

    /// <summary>The gray plane is replicated into this many channels (3 for ImageNet-style backbones).</summary>
    public int Channels { get; init; } = 3;

    public ResizeMode ResizeMode { get; init; } = ResizeMode.Letterbox;

    /// <summary>Filter used on an axis that shrinks; only "area" (box average) is implemented.</summary>
    public string DownsampleFilter { get; init; } = AreaFilter;

    /// <summary>Filter used on an axis that grows; only "bilinear" is implemented.</summary>
    public string UpsampleFilter { get; init; } = BilinearFilter;

    /// <summary>
    /// Subtracted from the [0,1] gray value. 0.5 with <see cref="Std"/> 0.25 maps [0,1] onto [-2,2]:
    /// zero-centred with unit-order spread, without borrowing ImageNet's colour statistics that do not
    /// describe radiographs.
    /// </summary>
    public float Mean { get; init; } = 0.5f;

    public float Std { get; init; } = 0.25f;

    /// <summary>Remove near-black uniform borders before resizing. Off by default.</summary>
    public bool CropBorders { get; init; }

    /// <summary>A pixel at or below this [0,1] value (after inversion) counts as black for border cropping.</summary>
    public float CropBlackThreshold { get; init; } = 0.05f;

    /// <summary>A row or column is border when at least this fraction of its pixels is black.</summary>
    public float CropMinBlackFraction { get; init; } = 0.98f;

    /// <summary>At most this fraction of each dimension is removed (both sides together).</summary>
    public float CropMaxFraction { get; init; } = 0.25f;

    /// <summary>
    /// Crop to the lung fields (the lungs' bounding box plus <see cref="LungCropMargin"/>) instead of the border crop,
    /// so that text, markers, collimation and film borders outside the lungs never reach the model. The box comes from
    /// the lung segmentation bundle (TbScreen.Inference); an image without a plausible pair of lungs falls back to
    /// the border stage as configured. Off by default: it is an ablation (docs/generalisation.md).
    /// </summary>
    public bool CropToLungs { get; init; }

    /// <summary>Margin added on each side of the lung box, as a fraction of the box's own height and width.</summary>
    public double LungCropMargin { get; init; } = 0.05;

    /// <summary>Intensity standardisation (stage 5b); None keeps the windowed intensities.</summary>
    public IntensityStandardisation Standardisation { get; init; } = IntensityStandardisation.None;

    /// <summary>CLAHE clip limit as a multiple of the uniform bin height.</summary>
    public float ClaheClipLimit { get; init; } = 2.0f;

    /// <summary>CLAHE grid: tiles per side.</summary>
    public int ClaheTiles { get; init; } = 8;

    public static InputContract Default { get; } = new();

    /// <summary>Throws when a contract asks for something this pipeline does not do, rather than silently ignoring it.</summary>
    public void Validate()
    {
        if (PipelineVersion != CurrentPipelineVersion && PipelineVersion != LungCropPipelineVersion)
        {
            throw new NotSupportedException($"Pipeline version '{PipelineVersion}' is not supported; this build implements '{CurrentPipelineVersion}' and '{LungCropPipelineVersion}'.");
        }

        if (CropToLungs != (PipelineVersion == LungCropPipelineVersion))
        {
            throw new ArgumentException($"The lung-field crop (CropToLungs) goes with pipeline version '{LungCropPipelineVersion}' and only with it (got '{PipelineVersion}', CropToLungs {CropToLungs}).");
        }

        if (Size < 1 || Channels < 1)
        {
            throw new ArgumentException($"Size ({Size}) and Channels ({Channels}) must be positive.");
        }

        if (!(Std > 0) || !float.IsFinite(Mean))
        {
            throw new ArgumentException($"Std ({Std}) must be positive and Mean ({Mean}) finite.");
        }

        if (DownsampleFilter != AreaFilter || UpsampleFilter != BilinearFilter)
        {
            throw new NotSupportedException($"Only '{AreaFilter}' downsampling and '{BilinearFilter}' upsampling are implemented.");
        }

        if (!Enum.IsDefined(ResizeMode))
        {
            throw new ArgumentException($"Unknown resize mode {ResizeMode}.");
        }

        if (!Enum.IsDefined(Standardisation) || !(ClaheClipLimit >= 1) || ClaheTiles < 1)
        {
            throw new ArgumentException($"Invalid intensity standardisation {Standardisation} (clip limit {ClaheClipLimit}, tiles {ClaheTiles}).");
        }

        if (CropMaxFraction is < 0 or >= 1 || CropMinBlackFraction is <= 0 or > 1)
        {
            throw new ArgumentException("CropMaxFraction must be in [0,1) and CropMinBlackFraction in (0,1].");
        }

        if (LungCropMargin is < 0 or > 1 || double.IsNaN(LungCropMargin))
        {
            throw new ArgumentException($"LungCropMargin ({LungCropMargin}) must be in [0,1].");
        }
    }
}

namespace TbScreen.Imaging;

/// <summary>
/// The one path from a <see cref="Radiograph"/> to pixels, shared by training export, inference and display.
/// Stage order and formulas are specified in docs/input-contract.md.
/// </summary>
public static class RadiographPipeline
{
    /// <summary>Stages 1-4: gray in [0,1] (1 = white), Rows x Columns, row-major.</summary>
    public static float[] ToUnitGray(Radiograph radiograph)
    {
        ArgumentNullException.ThrowIfNull(radiograph);
        return UnitGrayConverter.Convert(radiograph).Pixels;
    }

    /// <summary>The window used for a grayscale image whose VOI is absent or unusable.</summary>
    public static WindowVoi EstimateFallbackWindow(Radiograph radiograph)
    {
        ArgumentNullException.ThrowIfNull(radiograph);
        return FallbackWindow.Estimate(radiograph);
    }

    /// <summary>
    /// Stages 1-6 quantised to 8 bits (round half away from zero). Without <paramref name="size"/> the image keeps
    /// its Rows x Columns; with it, it is letterboxed to size x size. Borders are never cropped for display.
    /// </summary>
    public static byte[] ToDisplay8Bit(Radiograph radiograph, int? size = null)
    {
        ArgumentNullException.ThrowIfNull(radiograph);
        if (size is < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(size), size, "Size must be positive.");
        }

        GrayImage gray = UnitGrayConverter.Convert(radiograph);
        if (size is int n)
        {
            gray = Resampler.ToSquare(gray, n, ResizeMode.Letterbox);
        }

        byte[] bytes = new byte[gray.Pixels.Length];
        for (int i = 0; i < bytes.Length; i++)
        {
            bytes[i] = (byte)Math.Clamp(Math.Round(gray.Pixels[i] * 255.0, MidpointRounding.AwayFromZero), 0, 255);
        }

        return bytes;
    }

    /// <summary>All stages: a Channels x Size x Size float tensor, (gray - Mean) / Std, the gray plane replicated per channel.</summary>
    /// <param name="lungField">
    /// The lung-field box in the radiograph's pixels, for a contract with <see cref="InputContract.CropToLungs"/>;
    /// null when no plausible lungs were found (the border stage applies). Ignored by contracts that do not crop to the lungs.
    /// </param>
    public static float[] ToTensor(Radiograph radiograph, InputContract contract, PixelRect? lungField = null)
    {
        ArgumentNullException.ThrowIfNull(radiograph);
        ArgumentNullException.ThrowIfNull(contract);
        contract.Validate();

        GrayImage gray = UnitGrayConverter.Convert(radiograph);
        if (LungCrop(contract, lungField, gray.Rows, gray.Columns) is PixelRect lungs)
        {
            gray = BorderCrop.Apply(gray, lungs);
        }
        else if (contract.CropBorders)
        {
            gray = BorderCrop.Apply(gray, CropOf(gray, contract));
        }

        gray = IntensityStandardiser.Apply(gray, contract.Standardisation, contract.ClaheClipLimit, contract.ClaheTiles);
        gray = Resampler.ToSquare(gray, contract.Size, contract.ResizeMode);

        return ToModelInput(gray.Pixels, contract);
    }

    /// <summary>
    /// The last stage alone: a preprocessed [0,1] Size x Size plane as the model input, (x - Mean) / Std replicated
    /// per channel. Shared by everything that perturbs the [0,1] image (attacks, corruptions, the stability check).
    /// </summary>
    public static float[] ToModelInput(float[] unitPlane, InputContract contract)
    {
        ArgumentNullException.ThrowIfNull(unitPlane);
        ArgumentNullException.ThrowIfNull(contract);
        int plane = contract.Size * contract.Size;
        if (unitPlane.Length != plane)
        {
            throw new ArgumentException($"The plane has {unitPlane.Length} values, the contract's {contract.Size}x{contract.Size} input {plane}.", nameof(unitPlane));
        }

        float[] tensor = new float[(long)contract.Channels * plane];
        for (int i = 0; i < plane; i++)
        {
            tensor[i] = (unitPlane[i] - contract.Mean) / contract.Std;
        }

        for (int c = 1; c < contract.Channels; c++)
        {
            Array.Copy(tensor, 0, tensor, c * plane, plane);
        }

        return tensor;
    }

    /// <summary>
    /// The inverse of <see cref="ToModelInput"/>: the [0,1] Size x Size plane behind a model input (its first channel,
    /// the contract's normalisation undone), for everything that perturbs or resamples the image the nets saw.
    /// </summary>
    public static float[] ToUnitPlane(float[] tensor, InputContract contract)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        ArgumentNullException.ThrowIfNull(contract);
        int plane = contract.Size * contract.Size;
        if (tensor.Length != (long)contract.Channels * plane)
        {
            throw new ArgumentException($"The tensor has {tensor.Length} values, the contract's {contract.Channels}x{contract.Size}x{contract.Size} input {(long)contract.Channels * plane}.", nameof(tensor));
        }

        var gray = new float[plane];
        for (int i = 0; i < plane; i++)
        {
            gray[i] = (tensor[i] * contract.Std) + contract.Mean;
        }

        return gray;
    }

    /// <summary>
    /// The geometry of <see cref="ToTensor"/>'s output for this image: the border crop and the placement in the
    /// square, computed by the same code, so a heatmap over the model input can be mapped back onto the radiograph.
    /// </summary>
    public static InputGeometry InputGeometry(Radiograph radiograph, InputContract contract, PixelRect? lungField = null)
    {
        ArgumentNullException.ThrowIfNull(radiograph);
        ArgumentNullException.ThrowIfNull(contract);
        contract.Validate();

        PixelRect crop = LungCrop(contract, lungField, radiograph.Layout.Rows, radiograph.Layout.Columns) is PixelRect lungs
            ? lungs
            : contract.CropBorders
                ? CropOf(UnitGrayConverter.Convert(radiograph), contract)
                : new PixelRect(0, 0, radiograph.Layout.Rows, radiograph.Layout.Columns);
        PixelRect content = Resampler.Placement(crop.Rows, crop.Columns, contract.Size, contract.ResizeMode);
        return new InputGeometry(radiograph.Layout.Rows, radiograph.Layout.Columns, crop, contract.Size, content);
    }

    private static PixelRect? LungCrop(InputContract contract, PixelRect? lungField, int rows, int columns)
    {
        if (!contract.CropToLungs || lungField is not PixelRect box)
        {
            return null;
        }

        if (box.Top < 0 || box.Left < 0 || box.Rows < 1 || box.Columns < 1 || box.Top + box.Rows > rows || box.Left + box.Columns > columns)
        {
            throw new ArgumentOutOfRangeException(nameof(lungField), box, $"The lung field lies outside the {rows}x{columns} image.");
        }

        return box;
    }

    private static PixelRect CropOf(GrayImage gray, InputContract contract) =>
        BorderCrop.Find(gray, contract.CropBlackThreshold, contract.CropMinBlackFraction, contract.CropMaxFraction);
}

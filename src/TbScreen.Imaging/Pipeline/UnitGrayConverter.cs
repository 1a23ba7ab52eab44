namespace TbScreen.Imaging;

/// <summary>
/// Stages 1-4: colour to luma, modality LUT, VOI, MONOCHROME1 inversion. Produces gray in [0,1] where
/// 1 is white (bone bright) whatever the photometric interpretation of the input.
/// </summary>
internal static class UnitGrayConverter
{
    // Above this span of stored values a per-value lookup table would be larger than the image is worth.
    private const long MaxLookupSpan = 1 << 20;

    public static GrayImage Convert(Radiograph radiograph)
    {
        PixelLayout layout = radiograph.Layout;
        if (layout.IsMonochrome && layout.SamplesPerPixel == 1)
        {
            return ConvertMonochrome(radiograph);
        }

        if (layout.PhotometricInterpretation == "RGB" && layout.SamplesPerPixel == 3)
        {
            return ConvertRgb(radiograph);
        }

        throw new ImageDecodeException(
            radiograph.Source,
            $"unsupported photometric interpretation {layout.PhotometricInterpretation} with {layout.SamplesPerPixel} samples per pixel");
    }

    /// <summary>The VOI actually applied to a grayscale image: its own when usable, else the fallback window.</summary>
    public static VoiTransform EffectiveVoi(Radiograph radiograph) =>
        VoiMath.IsUsable(radiograph.Voi) ? radiograph.Voi! : FallbackWindow.Estimate(radiograph);

    private static GrayImage ConvertMonochrome(Radiograph radiograph)
    {
        VoiTransform voi = EffectiveVoi(radiograph);
        ModalityLut? modality = radiograph.ModalityLut;
        bool invert = radiograph.Layout.IsMonochrome1;

        PixelPadding? padding = radiograph.Padding;

        // Inversion comes after VOI: the window is defined on modality values, and MONOCHROME1 only says how
        // the windowed result is displayed (PS3.3 C.7.6.3.1.2). Padding is no part of the image: black, as a film's
        // unexposed border reads, whatever the photometric interpretation.
        float Map(int stored)
        {
            if (padding is not null && padding.Contains(stored))
            {
                return 0;
            }

            double y = VoiMath.Apply(voi, ModalityStage.Apply(modality, stored));
            return (float)(invert ? 1 - y : y);
        }

        int[] stored = radiograph.StoredPixels;
        var output = GrayImage.Blank(radiograph.Layout.Rows, radiograph.Layout.Columns);
        int min = stored.Length == 0 ? 0 : stored.Min();
        int max = stored.Length == 0 ? 0 : stored.Max();

        if ((long)max - min < MaxLookupSpan)
        {
            // Same arithmetic as the direct path, evaluated once per distinct value.
            float[] lookup = new float[max - min + 1];
            for (int i = 0; i < lookup.Length; i++)
            {
                lookup[i] = Map(min + i);
            }

            for (int i = 0; i < stored.Length; i++)
            {
                output.Pixels[i] = lookup[stored[i] - min];
            }
        }
        else
        {
            for (int i = 0; i < stored.Length; i++)
            {
                output.Pixels[i] = Map(stored[i]);
            }
        }

        return output;
    }

    /// <summary>
    /// Colour: BT.601 luma of the stored samples first, then the image's VOI if it has a usable one, else a
    /// plain scale by 2^BitsStored - 1. DICOM defines the modality LUT for grayscale only, so it is ignored here.
    /// </summary>
    private static GrayImage ConvertRgb(Radiograph radiograph)
    {
        int[] stored = radiograph.StoredPixels;
        VoiTransform? voi = VoiMath.IsUsable(radiograph.Voi) ? radiograph.Voi : null;
        double fullScale = Math.Pow(2, radiograph.Layout.BitsStored) - 1;
        var output = GrayImage.Blank(radiograph.Layout.Rows, radiograph.Layout.Columns);
        for (int i = 0; i < output.Pixels.Length; i++)
        {
            double luma = Luma.FromRgb(stored[3 * i], stored[(3 * i) + 1], stored[(3 * i) + 2]);
            double y = voi is null ? Math.Clamp(luma / fullScale, 0, 1) : VoiMath.Apply(voi, luma);
            output.Pixels[i] = (float)y;
        }

        return output;
    }
}

using TbScreen.Dicom.Codecs;
using TbScreen.Dicom.Pixels;

namespace TbScreen.Dicom;

/// <summary>Brings colour frames to interleaved RGB so Imaging sees one colour layout.</summary>
internal static class ColourConversion
{
    public static int[] ToInterleavedRgb(int[] values, PixelDescription pixels, string photometric, TransferSyntax syntax)
    {
        if (pixels.SamplesPerPixel != 3)
        {
            throw new DicomException($"{pixels.SamplesPerPixel} samples per pixel ({photometric}) is not supported for radiographs", tag: DicomTag.SamplesPerPixel);
        }

        int count = pixels.Rows * pixels.Columns;
        var rgb = values;
        // Native data honours Planar Configuration; our codecs already return interleaved samples.
        if (pixels.PlanarConfiguration == 1 && !syntax.Encapsulated)
        {
            rgb = new int[values.Length];
            for (int i = 0; i < count; i++)
            {
                rgb[3 * i] = values[i];
                rgb[3 * i + 1] = values[count + i];
                rgb[3 * i + 2] = values[2 * count + i];
            }
        }

        if (BuiltInCodecs.DeliversRgb(syntax.Uid) && photometric is "YBR_FULL" or "YBR_FULL_422" or "YBR_RCT" or "YBR_ICT")
        {
            return rgb;
        }

        switch (photometric)
        {
            case "RGB":
                return rgb;
            case "YBR_FULL":
            case "YBR_FULL_422":
                int max = (1 << pixels.BitsStored) - 1;
                double half = (max + 1) / 2.0;
                var converted = new int[rgb.Length];
                for (int i = 0; i < count; i++)
                {
                    double y = rgb[3 * i], cb = rgb[3 * i + 1] - half, cr = rgb[3 * i + 2] - half;
                    converted[3 * i] = Clamp(y + 1.402 * cr, max);
                    converted[3 * i + 1] = Clamp(y - 0.344136 * cb - 0.714136 * cr, max);
                    converted[3 * i + 2] = Clamp(y + 1.772 * cb, max);
                }

                return converted;
            default:
                throw new DicomException($"photometric interpretation {photometric} is not supported for radiographs", tag: DicomTag.PhotometricInterpretation);
        }
    }

    private static int Clamp(double v, int max) => (int)Math.Clamp(Math.Round(v), 0, max);
}

using TbScreen.Imaging;

namespace TbScreen.Imaging.Tests;

/// <summary>Small hand-made radiographs for pipeline tests.</summary>
internal static class TestRadiographs
{
    public static Radiograph Gray(int rows, int columns, int[] stored, int bitsStored = 16, bool signed = false,
        string photometric = "MONOCHROME2", ModalityLut? modality = null, VoiTransform? voi = null)
    {
        return new Radiograph(new PixelLayout(rows, columns, 1, bitsStored, signed, photometric), stored, new RadiographMetadata())
        {
            ModalityLut = modality,
            Voi = voi,
        };
    }

    /// <summary>One row holding the given stored values, so ToUnitGray(...)[i] is the result for values[i].</summary>
    public static Radiograph Row(int[] stored, VoiTransform? voi, ModalityLut? modality = null, string photometric = "MONOCHROME2", int bitsStored = 16) =>
        Gray(1, stored.Length, stored, bitsStored, signed: true, photometric, modality, voi);

    public static float[] UnitGray(int[] stored, VoiTransform? voi, ModalityLut? modality = null, string photometric = "MONOCHROME2") =>
        RadiographPipeline.ToUnitGray(Row(stored, voi, modality, photometric));
}

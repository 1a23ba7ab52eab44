namespace TbScreen.Imaging;

/// <summary>Stage 1: stored value to modality value (PS3.3 C.11.1); identity when the image has no modality LUT.</summary>
internal static class ModalityStage
{
    public static double Apply(ModalityLut? lut, int stored) => lut?.Apply(stored) ?? stored;
}

using TbScreen.Imaging;

namespace TbScreen.Training.Data;

/// <summary>Tools that build model inputs without the lung segmentation refuse lung-cropping contracts by name, instead of feeding the full film.</summary>
public static class LungCropGuard
{
    public static void Refuse(InputContract contract, string tool)
    {
        ArgumentNullException.ThrowIfNull(contract);
        if (contract.CropToLungs)
        {
            throw new NotSupportedException($"{tool} does not support bundles whose input contract crops to the lungs (CropToLungs).");
        }
    }
}

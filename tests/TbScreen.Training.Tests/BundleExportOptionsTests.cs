using TbScreen.Training.Export;

namespace TbScreen.Training.Tests;

public sealed class BundleExportOptionsTests
{
    [Fact]
    public void Float16ExportsAreCheckedAtTheFloat16BoundAndFloat32AtTheTightOne()
    {
        Assert.Equal(1e-4, new BundleExportOptions().EffectiveParityTolerance);
        Assert.Equal(1e-2, new BundleExportOptions { Float16 = true }.EffectiveParityTolerance);
        Assert.Equal(0.05, new BundleExportOptions { Float16 = true, ParityTolerance = 0.05 }.EffectiveParityTolerance);
    }
}

using TbScreen.Training.Evaluation;

namespace TbScreen.Training.Tests;

public sealed class RocAucTests
{
    [Fact]
    public void PerfectRandomAndTied()
    {
        Assert.Equal(1.0, RocAuc.Compute([0.1, 0.2, 0.8, 0.9], [0, 0, 1, 1]));
        Assert.Equal(0.0, RocAuc.Compute([0.9, 0.8, 0.2, 0.1], [0, 0, 1, 1]));
        Assert.Equal(0.5, RocAuc.Compute([0.5, 0.5, 0.5, 0.5], [0, 1, 0, 1]));
        Assert.Equal(0.75, RocAuc.Compute([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1]));
    }

    [Fact]
    public void OneClassIsNull() => Assert.Null(RocAuc.Compute([0.1, 0.2], [1, 1]));
}

using TbScreen.Training.Training;

namespace TbScreen.Training.Tests.Fixtures;

/// <summary>Compares the weights of two checkpoints.</summary>
public static class Checkpoint
{
    /// <summary>The largest absolute difference between corresponding parameters.</summary>
    public static double MaxDifference(string a, string b)
    {
        var (first, _) = Checkpoints.Load(a);
        var (second, _) = Checkpoints.Load(b);
        using (first)
        using (second)
        {
            using var scope = TorchSharp.torch.NewDisposeScope();
            var right = second.parameters().ToList();
            return first.parameters().Select((p, i) => (p - right[i]).abs().max().item<float>()).Max();
        }
    }
}

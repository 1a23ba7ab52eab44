namespace TbScreen.Training.Tests.Fixtures;

/// <summary>
/// Tests that compare two training runs bit for bit. The trainer seeds torch's process-wide generator (dropout
/// draws from it) and sets its thread count, so a run in a parallel test class would change the stream under them.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SerialTorchCollection
{
    public const string Name = "serial torch runs";
}

namespace TbScreen.Screening.Tests.Support;

/// <summary>The shipped models, loaded once for every test that screens (loading takes seconds).</summary>
public sealed class PipelineFixture : IDisposable
{
    public ScreeningPipeline Pipeline { get; } = ScreeningPipeline.Load(Repository.ModelsDirectory);

    public void Dispose() => Pipeline.Dispose();
}

[CollectionDefinition(Name)]
public sealed class PipelineCollection : ICollectionFixture<PipelineFixture>
{
    public const string Name = "pipeline";
}

namespace TbScreen.Web.Tests.Infrastructure;

/// <summary>
/// One host for every API test: loading the shipped ONNX ensemble is the slow part, so it happens once.
/// Tests stay independent by using their own phantom seeds (own SOP Instance UIDs) and job folders.
/// </summary>
[CollectionDefinition(Name)]
public sealed class ApiCollection : ICollectionFixture<TbScreenApiFactory>
{
    public const string Name = "api";
}

using TbScreen.Dicom.Network.Scp;
using TbScreen.Dicom.Network.Tests.Support;
using TbScreen.Dicom.Writing;

namespace TbScreen.Dicom.Network.Tests.Scu;

/// <summary>
/// Our C-FIND and C-MOVE SCU against our own SCP with scripted handlers: every Pending identifier comes back in order,
/// the model chosen is the one negotiated, a refusal names its status, and C-MOVE returns the final counts.
/// </summary>
public sealed class QueryRetrieveClientTests
{
    private static readonly DicomClient Client = new(new DicomClientOptions { CallingAeTitle = "PULLER" });

    [Fact]
    public async Task Find_returns_every_match_and_a_refusal_names_its_status()
    {
        var handler = new ScriptedQueries();
        await using var node = await RunningListener.StartAsync(queries: handler);

        var matches = await Client.FindAsync(node.Peer, Identifier("STUDY"), QueryRetrieveModel.PatientRoot);
        var refused = await Assert.ThrowsAsync<DicomNetworkException>(() => Client.FindAsync(node.Peer, Identifier("NONSENSE")));

        Assert.Equal(["1.2.3.1", "1.2.3.2", "1.2.3.3"], matches.Select(m => m.GetString(DicomTag.StudyInstanceUid)));
        Assert.Equal([QueryRetrieveModel.PatientRoot, QueryRetrieveModel.StudyRoot], handler.Models);
        Assert.Contains("0xA900", refused.Message, StringComparison.Ordinal);
        Assert.Contains(node.Peer.ToString(), refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Find_on_a_node_without_a_query_handler_says_the_model_was_not_accepted()
    {
        await using var node = await RunningListener.StartAsync();

        var error = await Assert.ThrowsAsync<DicomNetworkException>(() => Client.FindAsync(node.Peer, Identifier("STUDY")));

        Assert.Contains("Study Root FIND was not accepted", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Move_returns_the_final_status_and_counts()
    {
        var moves = new ScriptedMoves();
        await using var node = await RunningListener.StartAsync(moves: moves);

        var partly = await Client.MoveAsync(node.Peer, Identifier("STUDY"), "VIEWER");
        var unknown = await Client.MoveAsync(node.Peer, Identifier("STUDY"), "NOWHERE");

        Assert.Equal(((ushort)0xB000, 2, 1, true), (partly.Status.Code, partly.Completed, partly.Failed, partly.Performed));
        Assert.Equal(((ushort)0xA801, false), (unknown.Status.Code, unknown.Performed));
        Assert.Equal(["VIEWER", "NOWHERE"], moves.Destinations);
    }

    private static DicomDataset Identifier(string level) =>
        new DicomDataset().AddString(0x00080052, "CS", level).AddString(DicomTag.StudyInstanceUid, "UI", "");

    private sealed class ScriptedQueries : IQueryHandler
    {
        public List<QueryRetrieveModel> Models { get; } = [];

        public Task<IReadOnlyList<DicomDataset>> FindAsync(DicomDataset identifier, QueryRetrieveModel model, string callingAeTitle, CancellationToken cancellationToken)
        {
            Models.Add(model);
            if (identifier.GetString(0x00080052) != "STUDY")
            {
                throw new FormatException("not a level");
            }

            return Task.FromResult<IReadOnlyList<DicomDataset>>(
                [.. Enumerable.Range(1, 3).Select(i => new DicomDataset().AddString(0x00080052, "CS", "STUDY").AddString(DicomTag.StudyInstanceUid, "UI", $"1.2.3.{i}"))]);
        }
    }

    private sealed class ScriptedMoves : IRetrieveHandler
    {
        public List<string> Destinations { get; } = [];

        public Task<MoveOutcome> MoveAsync(DicomDataset identifier, QueryRetrieveModel model, string destinationAeTitle, string callingAeTitle, CancellationToken cancellationToken)
        {
            Destinations.Add(destinationAeTitle);
            return destinationAeTitle == "VIEWER"
                ? Task.FromResult(new MoveOutcome(2, 1, 0, ["1.2.3.9"]))
                : throw new MoveDestinationUnknownException(destinationAeTitle);
        }
    }
}

using TbScreen.Dicom.Network.Dimse;
using TbScreen.Dicom.Network.Pdus;
using TbScreen.Dicom.Network.Scp;
using TbScreen.Dicom.Network.Tests.Support;
using TbScreen.Dicom.Writing;

namespace TbScreen.Dicom.Network.Tests.Retrieve;

/// <summary>
/// A C-CANCEL while C-FIND matches go out stops them (PS3.4 C.4.1.3.2): the requestor's cancel, sent right behind its
/// request, is seen after the first match, and the final answer is FE00.
/// </summary>
public sealed class FindCancelTests
{
    [Fact]
    public async Task A_cancel_behind_the_request_stops_the_matches_with_FE00()
    {
        await using var node = await RunningListener.StartAsync(queries: new ManyMatches());
        await using var peer = await RawPeer.ConnectAsync(node.Port);
        await peer.AssociateAsync(new PresentationContextProposal(1, DicomUids.StudyRootQueryRetrieveFind, [TransferSyntax.ExplicitVrLittleEndianUid]));
        var identifier = new DicomDataset().AddString(0x00080052, "CS", "STUDY").AddString(DicomTag.StudyInstanceUid, "UI", "");
        byte[] find = Wire.Message(1, new DimseCommand
        {
            CommandField = CommandField.CFindRequest, AffectedSopClassUid = DicomUids.StudyRootQueryRetrieveFind, MessageId = 11, Priority = 0, HasDataSet = true,
        }, DicomWriter.Write(identifier, TransferSyntax.ExplicitVrLittleEndianUid, new DicomWriterOptions { Preamble = false }));
        byte[] cancel = Wire.Message(1, new DimseCommand { CommandField = CommandField.CCancelRequest, MessageIdBeingRespondedTo = 11 }, null);

        await peer.SendAsync([.. find, .. cancel]); // one write: the cancel is waiting before the first match goes out

        var answers = new List<DimseCommand>();
        do
        {
            answers.Add((await Wire.ReadMessageAsync(peer)).Command);
        }
        while (answers[^1].Status == 0xFF00);
        Assert.Equal([(ushort?)0xFF00, 0xFE00], answers.Select(a => a.Status));
        Assert.All(answers, a => Assert.Equal((ushort?)11, a.MessageIdBeingRespondedTo));
        await node.AssertStillServesAsync();
    }

    private sealed class ManyMatches : IQueryHandler
    {
        public Task<IReadOnlyList<DicomDataset>> FindAsync(DicomDataset identifier, QueryRetrieveModel model, string callingAeTitle, CancellationToken cancellationToken) =>
            Task.FromResult<IReadOnlyList<DicomDataset>>(
                [.. Enumerable.Range(1, 100).Select(i => new DicomDataset().AddString(0x00080052, "CS", "STUDY").AddString(DicomTag.StudyInstanceUid, "UI", $"1.2.3.{i}"))]);
    }
}

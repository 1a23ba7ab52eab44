using TbScreen.Dicom.Network.Dimse;
using TbScreen.Dicom.Network.Pdus;
using TbScreen.Dicom.Network.Tests.Support;
using TbScreen.Dicom.Writing;

namespace TbScreen.Dicom.Network.Tests.Retrieve;

/// <summary>
/// C-GET driven by hand, for what getscu never does: a C-STORE-RSP that refuses, a C-CANCEL half-way, a requestor that
/// took no SCP role, and a C-STORE sent on a context where the requestor is only SCP.
/// </summary>
public sealed class GetProtocolTests : IAsyncLifetime
{
    private const byte GetContext = 1;
    private const byte StoreContext = 3;
    private const ushort GetMessageId = 7;

    private readonly RecordingGetHandler _gets = new([DicomUids.ComputedRadiographyImageStorage]);
    private RunningListener _node = null!;

    public async Task InitializeAsync() => _node = await RunningListener.StartAsync(gets: _gets);

    public async Task DisposeAsync() => await _node.DisposeAsync();

    [Fact]
    public async Task A_refused_sub_operation_is_counted_and_a_cancel_stops_the_rest_with_FE00()
    {
        var radiographs = Enumerable.Range(1, 3).Select(seed => Part10(seed)).ToList();
        _gets.Objects.AddRange(radiographs);
        await using var peer = await AssociateAsync(withScpRole: true);
        await peer.SendAsync(GetRequest());

        // The first object: refused by the requestor (out of resources).
        var first = await Wire.ReadMessageAsync(peer);
        Assert.Equal((CommandField.CStoreRequest, StoreContext, radiographs[0].Uid), (first.Command.CommandField, first.PresentationContextId, first.Command.AffectedSopInstanceUid));
        await peer.SendAsync(StoreResponse(first.Command, 0xA700));
        var pending = (await Wire.ReadMessageAsync(peer)).Command;
        Assert.Equal((CommandField.CGetResponse, (ushort?)0xFF00, (ushort?)GetMessageId), (pending.CommandField, pending.Status, pending.MessageIdBeingRespondedTo));
        Assert.Equal(((ushort?)2, (ushort?)0, (ushort?)1, (ushort?)0), (pending.RemainingSuboperations, pending.CompletedSuboperations, pending.FailedSuboperations, pending.WarningSuboperations));

        // The second: the requestor cancels while it is in flight, then stores it.
        var second = await Wire.ReadMessageAsync(peer);
        Assert.Equal(radiographs[1].Uid, second.Command.AffectedSopInstanceUid);
        await peer.SendAsync(Wire.Message(GetContext, new DimseCommand { CommandField = CommandField.CCancelRequest, MessageIdBeingRespondedTo = GetMessageId }, null));
        await peer.SendAsync(StoreResponse(second.Command, 0x0000));

        var final = await Wire.ReadMessageAsync(peer);
        Assert.Equal(((ushort?)0xFE00, (ushort?)1, (ushort?)1, (ushort?)1, (ushort?)0),
            (final.Command.Status, final.Command.RemainingSuboperations, final.Command.CompletedSuboperations, final.Command.FailedSuboperations, final.Command.WarningSuboperations));
        var failedList = new DicomReader().ParseDataset(final.DataSet!, TransferSyntax.ExplicitVrLittleEndian, "identifier").Dataset;
        Assert.Equal([radiographs[0].Uid], failedList.GetStrings(0x00080058));
        var recorded = Assert.Single(_gets.Recorded).Outcome;
        Assert.Equal((1, 1, 1, true), (recorded.Completed, recorded.Failed, recorded.Remaining, recorded.Cancelled));
        await _node.AssertStillServesAsync();
    }

    [Fact]
    public async Task Without_the_SCP_role_nothing_is_sent_and_every_object_fails()
    {
        _gets.Objects.Add(Part10(4));
        await using var peer = await AssociateAsync(withScpRole: false);

        await peer.SendAsync(GetRequest());

        var final = await Wire.ReadMessageAsync(peer);
        Assert.Equal((CommandField.CGetResponse, (ushort?)0xB000, (ushort?)0, (ushort?)1), (final.Command.CommandField, final.Command.Status, final.Command.CompletedSuboperations, final.Command.FailedSuboperations));
        Assert.Null(final.Command.RemainingSuboperations); // only Pending and cancelled answers carry it
        Assert.Contains(_node.Logger.Entries, e => e.Message.Contains("took the SCP role for SOP class " + DicomUids.ComputedRadiographyImageStorage, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_C_STORE_on_a_context_where_the_requestor_is_only_SCP_is_refused()
    {
        await using var peer = await AssociateAsync(withScpRole: true);
        var (dataSet, uid) = Wire.SmallRadiograph();

        await peer.SendAsync(Wire.Store(StoreContext, DicomUids.ComputedRadiographyImageStorage, uid, dataSet));

        var response = await Wire.ReadResponseAsync(peer);
        Assert.Equal((ushort?)0x0122, response.Status);
        Assert.Empty(_node.Handler.Received);
    }

    [Fact]
    public async Task A_stray_request_while_a_sub_operation_is_outstanding_aborts_the_association_only()
    {
        _gets.Objects.Add(Part10(5));
        await using var peer = await AssociateAsync(withScpRole: true);
        await peer.SendAsync(GetRequest());
        Assert.Equal(CommandField.CStoreRequest, (await Wire.ReadMessageAsync(peer)).Command.CommandField);

        await peer.SendAsync(Wire.Echo(GetContext, messageId: 9)); // no asynchronous operations were negotiated

        var abort = Assert.IsType<AbortPdu>(await peer.ReadAsync());
        Assert.Equal(AbortSource.ServiceProvider, abort.Source);
        Assert.Equal(0, Assert.Single(_gets.Recorded).Outcome.Completed); // recorded all the same
        await _node.AssertStillServesAsync();
    }

    private async Task<RawPeer> AssociateAsync(bool withScpRole)
    {
        var peer = await RawPeer.ConnectAsync(_node.Port);
        RoleSelection[] roles = withScpRole ? [new RoleSelection(DicomUids.ComputedRadiographyImageStorage, RequestorIsScu: false, RequestorIsScp: true)] : [];
        await peer.SendAsync(Wire.AssociateRequest("TBSCREEN", "RAWPEER", roles,
            new PresentationContextProposal(GetContext, DicomUids.StudyRootQueryRetrieveGet, [TransferSyntax.ExplicitVrLittleEndianUid]),
            new PresentationContextProposal(StoreContext, DicomUids.ComputedRadiographyImageStorage, [TransferSyntax.ExplicitVrLittleEndianUid])));
        var accept = Assert.IsType<AssociateAcceptPdu>(await peer.ReadAsync());
        Assert.Equal(withScpRole ? [(DicomUids.ComputedRadiographyImageStorage, false, true)] : [],
            accept.UserInformation.RoleSelections.Select(r => (r.SopClassUid, r.RequestorIsScu, r.RequestorIsScp)).ToArray());
        return peer;
    }

    private static byte[] GetRequest()
    {
        var identifier = new DicomDataset().AddString(0x00080052, "CS", "STUDY").AddString(DicomTag.StudyInstanceUid, "UI", "1.2.3");
        return Wire.Message(GetContext, new DimseCommand
        {
            CommandField = CommandField.CGetRequest,
            AffectedSopClassUid = DicomUids.StudyRootQueryRetrieveGet,
            MessageId = GetMessageId,
            Priority = 0,
            HasDataSet = true,
        }, DicomWriter.Write(identifier, TransferSyntax.ExplicitVrLittleEndianUid, new DicomWriterOptions { Preamble = false }));
    }

    private static byte[] StoreResponse(DimseCommand request, ushort status) => Wire.Message(StoreContext, new DimseCommand
    {
        CommandField = CommandField.CStoreResponse,
        AffectedSopClassUid = request.AffectedSopClassUid,
        AffectedSopInstanceUid = request.AffectedSopInstanceUid,
        MessageIdBeingRespondedTo = request.MessageId,
        Status = status,
    }, null);

    private static (string Uid, byte[]? Part10) Part10(int seed)
    {
        var (dataSet, _) = Samples.SampleDatasets.Create(new Samples.SampleSpec(Rows: 16, Columns: 16, Seed: seed));
        return (dataSet.GetString(DicomTag.SopInstanceUid)!, DicomWriter.Write(dataSet, TransferSyntax.ExplicitVrLittleEndianUid));
    }
}

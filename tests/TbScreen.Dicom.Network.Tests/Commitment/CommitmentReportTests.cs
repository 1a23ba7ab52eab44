using TbScreen.Dicom.Network.Dimse;
using TbScreen.Dicom.Network.Pdus;
using TbScreen.Dicom.Network.Tests.Support;
using TbScreen.Dicom.Writing;

namespace TbScreen.Dicom.Network.Tests.Commitment;

/// <summary>
/// Storage Commitment reports (N-EVENT-REPORT, PS3.4 J.3.3) driven by hand: the archive's role negotiation, the
/// answer's fields, and every way a report can be refused without hurting the listener.
/// </summary>
public sealed class CommitmentReportTests : IAsyncLifetime
{
    private const byte Context = 1;
    private const string Transaction = "1.2.826.0.1.3680043.10.1234.7";
    private readonly RecordingCommitmentReports _reports = new();
    private RunningListener _node = null!;

    public async Task InitializeAsync() => _node = await RunningListener.StartAsync(commitmentReports: _reports);

    public async Task DisposeAsync() => await _node.DisposeAsync();

    [Fact]
    public async Task A_report_from_an_archive_in_the_SCP_role_reaches_the_handler_and_is_answered_with_its_event_type()
    {
        await using var peer = await AssociateAsync(new RoleSelection(DicomUids.StorageCommitmentPushModel, RequestorIsScu: false, RequestorIsScp: true),
            expected: PresentationContextOutcome.Acceptance);
        var sent = new CommitmentReport("RAWPEER", Transaction, [new CommitmentReference("1.2.840.10008.5.1.4.1.1.88.33", "1.2.3.1")],
            [new CommitmentFailure("1.2.840.10008.5.1.4.1.1.7", "1.2.3.2", StorageCommitment.NoSuchObjectInstance)]);

        await peer.SendAsync(Report(StorageCommitment.Report(sent), sent.EventTypeId, TransferSyntax.ImplicitVrLittleEndianUid));

        var response = await Wire.ReadResponseAsync(peer);
        Assert.Equal((CommandField.NEventReportResponse, (ushort?)0x0000, (ushort?)5, (ushort?)2),
            (response.CommandField, response.Status, response.MessageIdBeingRespondedTo, response.EventTypeId));
        Assert.Equal((DicomUids.StorageCommitmentPushModel, DicomUids.StorageCommitmentPushModelInstance), (response.AffectedSopClassUid, response.AffectedSopInstanceUid));
        Assert.False(response.HasDataSet);
        var received = await _reports.NextAsync(TimeSpan.FromSeconds(5));
        Assert.Equal((sent.TransactionUid, sent.CallingAeTitle), (received.TransactionUid, received.CallingAeTitle));
        Assert.Equal(sent.Committed, received.Committed);
        Assert.Equal(sent.Failed, received.Failed);
    }

    [Fact]
    public async Task An_archive_that_proposes_no_roles_is_still_heard()
    {
        await using var peer = await AssociateAsync(roles: null, expected: PresentationContextOutcome.Acceptance);
        var sent = new CommitmentReport("RAWPEER", Transaction, [new CommitmentReference("1.2.3", "1.2.3.1")], []);

        await peer.SendAsync(Report(StorageCommitment.Report(sent), StorageCommitment.AllCommitted));

        Assert.Equal((ushort?)0x0000, (await Wire.ReadResponseAsync(peer)).Status);
        Assert.Equal(sent.Committed, (await _reports.NextAsync(TimeSpan.FromSeconds(5))).Committed);
    }

    [Fact]
    public async Task A_requestor_that_wants_the_SCU_role_is_refused_the_context_for_we_commit_to_nothing()
    {
        await using var peer = await AssociateAsync(new RoleSelection(DicomUids.StorageCommitmentPushModel, RequestorIsScu: true, RequestorIsScp: false),
            expected: PresentationContextOutcome.AbstractSyntaxNotSupported);
    }

    [Fact]
    public async Task Without_a_report_handler_the_context_is_refused()
    {
        await using var plain = await RunningListener.StartAsync();
        await using var peer = await RawPeer.ConnectAsync(plain.Port);
        await peer.SendAsync(Wire.AssociateRequest("TBSCREEN", "RAWPEER", [new RoleSelection(DicomUids.StorageCommitmentPushModel, false, true)], Proposal()));
        var accept = Assert.IsType<AssociateAcceptPdu>(await peer.ReadAsync());
        Assert.Equal(PresentationContextOutcome.AbstractSyntaxNotSupported, Assert.Single(accept.PresentationContexts).Outcome);
        Assert.Empty(accept.UserInformation.RoleSelections);
    }

    [Theory]
    [InlineData(3, false, false, 0x0113)]   // no such event type
    [InlineData(2, false, false, 0x0115)]   // failures exist, but no Failed SOP Sequence
    [InlineData(1, true, false, 0x0115)]    // no Transaction UID
    [InlineData(1, false, true, 0x0110)]    // the handler failed: the archive may send it again
    public async Task A_report_that_cannot_be_taken_is_answered_with_a_failure_and_the_node_goes_on(ushort eventType, bool withoutTransaction, bool handlerFails, ushort expected)
    {
        _reports.Failure = handlerFails ? new InvalidOperationException("database down") : null;
        await using var peer = await AssociateAsync(new RoleSelection(DicomUids.StorageCommitmentPushModel, false, true), PresentationContextOutcome.Acceptance);
        var dataSet = StorageCommitment.Report(new CommitmentReport("RAWPEER", Transaction, [new CommitmentReference("1.2.3", "1.2.3.1")], []));
        if (withoutTransaction)
        {
            dataSet.Remove(0x00081195);
        }

        await peer.SendAsync(Report(dataSet, eventType));

        var response = await Wire.ReadResponseAsync(peer);
        Assert.Equal((CommandField.NEventReportResponse, (ushort?)expected, (ushort?)eventType), (response.CommandField, response.Status, response.EventTypeId));
        Assert.Equal(handlerFails, _reports.TryTake(out _));
        await peer.SendAsync(Wire.Release());
        Assert.IsType<ReleaseResponsePdu>(await peer.ReadAsync());
        _reports.Failure = null;
        if (handlerFails)
        {
            Assert.Single(_node.Logger.Errors);
        }
        else
        {
            await _node.AssertStillServesAsync();
        }
    }

    private static PresentationContextProposal Proposal() =>
        new(Context, DicomUids.StorageCommitmentPushModel, [TransferSyntax.ImplicitVrLittleEndianUid, TransferSyntax.ExplicitVrLittleEndianUid]);

    private async Task<RawPeer> AssociateAsync(RoleSelection? roles, PresentationContextOutcome expected)
    {
        var peer = await RawPeer.ConnectAsync(_node.Port);
        await peer.SendAsync(Wire.AssociateRequest("TBSCREEN", "RAWPEER", roles is null ? [] : [roles], Proposal()));
        var accept = Assert.IsType<AssociateAcceptPdu>(await peer.ReadAsync());
        Assert.Equal(expected, Assert.Single(accept.PresentationContexts).Outcome);
        if (expected == PresentationContextOutcome.Acceptance && roles is not null)
        {
            Assert.Equal([(DicomUids.StorageCommitmentPushModel, false, true)], accept.UserInformation.RoleSelections.Select(r => (r.SopClassUid, r.RequestorIsScu, r.RequestorIsScp)));
        }

        return peer;
    }

    private static byte[] Report(DicomDataset dataSet, ushort eventType, string syntax = TransferSyntax.ImplicitVrLittleEndianUid) =>
        Wire.Message(Context, new DimseCommand
        {
            CommandField = CommandField.NEventReportRequest,
            AffectedSopClassUid = DicomUids.StorageCommitmentPushModel,
            AffectedSopInstanceUid = DicomUids.StorageCommitmentPushModelInstance,
            MessageId = 5,
            EventTypeId = eventType,
            HasDataSet = true,
        }, DicomWriter.Write(dataSet, syntax, new DicomWriterOptions { Preamble = false, UndefinedLengthSequences = false })); // the harder case: implicit VR needs the dictionary to see a sequence
}

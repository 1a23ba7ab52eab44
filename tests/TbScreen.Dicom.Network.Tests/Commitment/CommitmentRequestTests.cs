using System.Net;
using System.Net.Sockets;
using TbScreen.Dicom.Network.Dimse;
using TbScreen.Dicom.Network.Pdus;
using TbScreen.Dicom.Network.Tests.Support;
using TbScreen.Dicom.Writing;

namespace TbScreen.Dicom.Network.Tests.Commitment;

/// <summary>
/// Our Storage Commitment request against a hand-driven archive: the N-ACTION as PS3.4 J.3.2 lays it out, a refusal
/// raised with its status, and an archive that reports at once on the request's own association (PS3.4 J.3.3 allows
/// it) while we release.
/// </summary>
public sealed class CommitmentRequestTests : IDisposable
{
    private const string Transaction = "1.2.826.0.1.3680043.10.1234.8";
    private static readonly CommitmentReference Sr = new("1.2.840.10008.5.1.4.1.1.88.33", "1.2.3.1");
    private readonly TcpListener _archive = new(IPAddress.Loopback, 0);
    private readonly RecordingCommitmentReports _reports = new();

    public CommitmentRequestTests() => _archive.Start();

    private DicomPeer Archive => new("ARCHIVE", "127.0.0.1", ((IPEndPoint)_archive.LocalEndpoint).Port);

    [Fact]
    public async Task A_report_sent_at_once_on_the_request_s_association_is_taken_and_answered_while_we_release()
    {
        var request = new DicomClient(new DicomClientOptions { CallingAeTitle = "TBSCREEN" }).RequestCommitmentAsync(Archive, Transaction, [Sr], _reports);
        await using var archive = await RawPeer.AcceptAsync(_archive);
        byte context = await AcceptAsync(archive);

        var action = await Wire.ReadMessageAsync(archive);
        Assert.Equal((CommandField.NActionRequest, DicomUids.StorageCommitmentPushModel, DicomUids.StorageCommitmentPushModelInstance, (ushort?)1),
            (action.Command.CommandField, action.Command.RequestedSopClassUid, action.Command.RequestedSopInstanceUid, action.Command.ActionTypeId));
        var asked = new DicomReader().ParseDataset(action.DataSet!, TransferSyntax.ExplicitVrLittleEndian, "request").Dataset;
        Assert.Equal(Transaction, asked.GetString(0x00081195));
        Assert.Equal([Sr.SopInstanceUid], asked.GetSequence(0x00081199).Select(i => i.GetString(0x00081155)));

        await archive.SendAsync(Wire.Message(context, ActionResponse(action.Command, 0x0000), null));
        var report = new CommitmentReport("ARCHIVE", Transaction, [Sr], []);
        await archive.SendAsync(Wire.Message(context, new DimseCommand
        {
            CommandField = CommandField.NEventReportRequest,
            AffectedSopClassUid = DicomUids.StorageCommitmentPushModel,
            AffectedSopInstanceUid = DicomUids.StorageCommitmentPushModelInstance,
            MessageId = 1,
            EventTypeId = StorageCommitment.AllCommitted,
            HasDataSet = true,
        }, DicomWriter.Write(StorageCommitment.Report(report), TransferSyntax.ExplicitVrLittleEndianUid, new DicomWriterOptions { Preamble = false })));

        // Our answer to the report and our A-RELEASE-RQ, in whichever order they leave.
        var assembler = new MessageAssembler(1 << 20);
        DimseCommand? answer = null;
        bool released = false;
        while (answer is null || !released)
        {
            switch (await archive.ReadAsync())
            {
                case DataTransferPdu data:
                    answer = data.Values.Select(assembler.Add).LastOrDefault(m => m is not null)?.Command ?? answer;
                    break;
                case ReleaseRequestPdu:
                    released = true;
                    break;
                case var other:
                    Assert.Fail($"unexpected {other?.Type.ToString() ?? "close"}");
                    break;
            }
        }

        await archive.SendAsync(PduEncoder.Encode(new ReleaseResponsePdu()));
        await request;
        Assert.Equal((CommandField.NEventReportResponse, (ushort?)0x0000, (ushort?)1, (ushort?)1), (answer.CommandField, answer.Status, answer.MessageIdBeingRespondedTo, answer.EventTypeId));
        var taken = await _reports.NextAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(("ARCHIVE", Transaction), (taken.CallingAeTitle, taken.TransactionUid));
        Assert.Equal([Sr], taken.Committed);
    }

    [Fact]
    public async Task A_refused_request_raises_its_status()
    {
        var request = new DicomClient(new DicomClientOptions { CallingAeTitle = "TBSCREEN" }).RequestCommitmentAsync(Archive, Transaction, [Sr]);
        await using var archive = await RawPeer.AcceptAsync(_archive);
        byte context = await AcceptAsync(archive);
        var action = await Wire.ReadMessageAsync(archive);

        await archive.SendAsync(Wire.Message(context, ActionResponse(action.Command, 0x0110), null));
        Assert.IsType<ReleaseRequestPdu>(await archive.ReadAsync());
        await archive.SendAsync(PduEncoder.Encode(new ReleaseResponsePdu()));

        var error = await Assert.ThrowsAsync<DicomNetworkException>(() => request);
        Assert.Contains("0x0110", error.Message, StringComparison.Ordinal);
        Assert.Contains(Archive.ToString(), error.Message, StringComparison.Ordinal);
    }

    public void Dispose() => _archive.Stop();

    /// <summary>Accepts the requestor's one Storage Commitment context in Explicit VR Little Endian; returns its ID.</summary>
    private static async Task<byte> AcceptAsync(RawPeer archive)
    {
        var request = Assert.IsType<AssociateRequestPdu>(await archive.ReadAsync());
        var proposal = Assert.Single(request.PresentationContexts);
        Assert.Equal(DicomUids.StorageCommitmentPushModel, proposal.AbstractSyntax);
        await archive.SendAsync(PduEncoder.Encode(new AssociateAcceptPdu(request.CalledAeTitle, request.CallingAeTitle, DicomUids.ApplicationContext,
            [new PresentationContextResult(proposal.Id, PresentationContextOutcome.Acceptance, TransferSyntax.ExplicitVrLittleEndianUid)],
            new UserInformation(16384, "1.2.3.4.5", "ARCHIVE"))));
        return proposal.Id;
    }

    private static DimseCommand ActionResponse(DimseCommand request, ushort status) => new()
    {
        CommandField = CommandField.NActionResponse,
        AffectedSopClassUid = DicomUids.StorageCommitmentPushModel,
        AffectedSopInstanceUid = DicomUids.StorageCommitmentPushModelInstance,
        MessageIdBeingRespondedTo = request.MessageId,
        ActionTypeId = 1,
        Status = status,
    };
}

using TbScreen.Dicom.Network.Dimse;
using TbScreen.Dicom.Network.Pdus;
using TbScreen.Dicom.Network.Tests.Support;
using TbScreen.Dicom.Samples;
using TbScreen.Dicom.Writing;

namespace TbScreen.Dicom.Network.Tests.BadInput;

/// <summary>
/// Each kind of bad input gets the standard's answer (A-ABORT, A-ASSOCIATE-RJ, presentation context rejection or a
/// C-STORE failure status), and afterwards the listener still serves a normal association with no error logged.
/// </summary>
public sealed class BadInputTests : IAsyncLifetime
{
    private RunningListener _node = null!;

    // ARTIM also bounds the listener's reply to a good A-ASSOCIATE-RQ, so it must outlast a stalled thread pool: at
    // 500 ms, a CI run with two test assemblies on 2 cores closed the checker's own association before it was answered.
    public async Task InitializeAsync() => _node = await RunningListener.StartAsync(o => o with
    {
        AllowedCallingAeTitles = ["RAWPEER", "CHECKER", "TBSCREEN"],
        ArtimTimeout = TimeSpan.FromSeconds(2),
        IdleTimeout = TimeSpan.FromSeconds(3),
        MaxPduLength = 16384,
    });

    public async Task DisposeAsync() => await _node.DisposeAsync();

    [Fact]
    public async Task An_unknown_PDU_type_before_association_is_aborted()
    {
        await using var peer = await RawPeer.ConnectAsync(_node.Port);
        await peer.SendAsync([0x09, 0x00, 0x00, 0x00, 0x00, 0x04, 0, 0, 0, 0]);

        // AA-1 (PS3.8 9.2.2): A-ABORT with the service user as source in Sta2.
        Assert.Equal(new AbortPdu(AbortSource.ServiceUser, AbortReason.NotSpecified), await peer.ReadAsync());
        Assert.True(await peer.ClosedByListenerAsync(TimeSpan.FromSeconds(10)));
        await _node.AssertStillServesAsync();
    }

    [Fact]
    public async Task An_unknown_PDU_type_on_an_association_is_aborted_as_unrecognized()
    {
        await using var peer = await RawPeer.ConnectAsync(_node.Port);
        await peer.AssociateAsync(Wire.Verification);
        await peer.SendAsync([0x7F, 0x00, 0x00, 0x00, 0x00, 0x04, 0, 0, 0, 0]);

        Assert.Equal(new AbortPdu(AbortSource.ServiceProvider, AbortReason.UnrecognizedPdu), await peer.ReadAsync());
        await _node.AssertStillServesAsync();
    }

    [Fact]
    public async Task A_second_A_ASSOCIATE_RQ_on_an_association_is_an_unexpected_PDU()
    {
        await using var peer = await RawPeer.ConnectAsync(_node.Port);
        await peer.AssociateAsync(Wire.Verification);
        await peer.SendAsync(Wire.AssociateRequest("TBSCREEN", "RAWPEER", Wire.Verification));

        Assert.Equal(new AbortPdu(AbortSource.ServiceProvider, AbortReason.UnexpectedPdu), await peer.ReadAsync());
        await _node.AssertStillServesAsync();
    }

    [Fact]
    public async Task A_4_GiB_length_in_A_ASSOCIATE_RQ_is_aborted_without_allocating_it()
    {
        long before = GC.GetTotalAllocatedBytes(precise: true);
        await using var peer = await RawPeer.ConnectAsync(_node.Port);
        await peer.SendAsync([0x01, 0x00, 0xFF, 0xFF, 0xFF, 0xFF, 0x00, 0x01]);

        Assert.IsType<AbortPdu>(await peer.ReadAsync());
        // The reader refuses the length before reading the body (PduReaderLimitTests measures that exactly); process-wide,
        // with other tests running, we can only say nothing near the claimed 4 GiB was allocated.
        Assert.True(GC.GetTotalAllocatedBytes(precise: true) - before < 256L * 1024 * 1024);
        await _node.AssertStillServesAsync();
    }

    [Fact]
    public async Task A_huge_P_DATA_length_is_aborted_as_an_invalid_parameter()
    {
        await using var peer = await RawPeer.ConnectAsync(_node.Port);
        await peer.AssociateAsync(Wire.Verification);
        await peer.SendAsync([0x04, 0x00, 0x7F, 0xFF, 0xFF, 0xFF, 0, 0, 0, 2, 1, 3]);

        Assert.Equal(new AbortPdu(AbortSource.ServiceProvider, AbortReason.InvalidPduParameterValue), await peer.ReadAsync());
        await _node.AssertStillServesAsync();
    }

    [Fact]
    public async Task A_PDU_larger_than_the_negotiated_maximum_is_aborted()
    {
        await using var peer = await RawPeer.ConnectAsync(_node.Port);
        var accept = await peer.AssociateAsync(Wire.Verification);
        Assert.Equal(16384u, accept.UserInformation.MaxPduLength);

        // One PDU two bytes longer than the 16384 we announced.
        var pdv = new PresentationDataValue(1, IsCommand: false, IsLast: false, new byte[16384 + 2 - 6]);
        await peer.SendAsync(PduEncoder.Encode(new DataTransferPdu([pdv])));

        Assert.Equal(new AbortPdu(AbortSource.ServiceProvider, AbortReason.InvalidPduParameterValue), await peer.ReadAsync());
        await _node.AssertStillServesAsync();
    }

    [Fact]
    public async Task An_abort_in_the_middle_of_a_C_STORE_stores_nothing()
    {
        await using var peer = await RawPeer.ConnectAsync(_node.Port);
        await peer.AssociateAsync(Wire.ComputedRadiography);
        var (dataSet, uid) = Wire.SmallRadiograph(seed: 41);
        byte[] message = Wire.Store(3, DicomUids.ComputedRadiographyImageStorage, uid, dataSet, maxPduLength: 256);

        // The command and about half of the data set, in whole PDUs, then A-ABORT.
        await peer.SendAsync(WholePdus(message, maxBytes: message.Length / 2));
        await peer.SendAsync(PduEncoder.Encode(new AbortPdu(AbortSource.ServiceUser, AbortReason.NotSpecified)));

        Assert.True(await peer.ClosedByListenerAsync(TimeSpan.FromSeconds(10)));
        Assert.DoesNotContain(_node.Handler.Received, i => i.SopInstanceUid == uid);
        await _node.AssertStillServesAsync();
    }

    [Fact]
    public async Task A_data_set_that_does_not_parse_gets_C000_with_a_comment_and_the_association_goes_on()
    {
        await using var peer = await RawPeer.ConnectAsync(_node.Port);
        await peer.AssociateAsync(Wire.Verification, Wire.ComputedRadiography);
        byte[] garbage = [0x08, 0x00, 0x18, 0x00, (byte)'U', (byte)'I', 0xFF, 0x7F, 1, 2, 3, 4];

        await peer.SendAsync(Wire.Store(3, DicomUids.ComputedRadiographyImageStorage, "1.2.3.4", garbage, messageId: 11));
        var response = await Wire.ReadResponseAsync(peer);

        Assert.Equal(CommandField.CStoreResponse, response.CommandField);
        Assert.Equal((ushort)11, response.MessageIdBeingRespondedTo);
        Assert.Equal((ushort)0xC000, response.Status);
        Assert.False(string.IsNullOrWhiteSpace(response.ErrorComment));
        Assert.True(response.ErrorComment!.Length <= 64);
        Assert.Equal("1.2.3.4", response.AffectedSopInstanceUid);

        await peer.SendAsync(Wire.Echo(messageId: 12));
        Assert.Equal((ushort)0x0000, (await Wire.ReadResponseAsync(peer)).Status);
        await peer.SendAsync(Wire.Release());
        var released = await peer.ReadAsync();
        Assert.True(released is ReleaseResponsePdu, string.Join("\n", _node.Logger.Entries.Select(e => e.Message)));
        Assert.Empty(_node.Handler.Received);
        await _node.AssertStillServesAsync();
    }

    [Fact]
    public async Task A_data_set_whose_SOP_class_differs_from_the_command_gets_A900()
    {
        await using var peer = await RawPeer.ConnectAsync(_node.Port);
        await peer.AssociateAsync(new PresentationContextProposal(5, DicomUids.SecondaryCaptureImageStorage, [TransferSyntax.ExplicitVrLittleEndianUid]));
        var (dataSet, uid) = Wire.SmallRadiograph(seed: 43); // a CR data set sent as Secondary Capture

        await peer.SendAsync(Wire.Store(5, DicomUids.SecondaryCaptureImageStorage, uid, dataSet));

        Assert.Equal((ushort)0xA900, (await Wire.ReadResponseAsync(peer)).Status);
        await _node.AssertStillServesAsync();
    }

    [Fact]
    public async Task An_unknown_SOP_class_is_refused_by_presentation_context_rejection()
    {
        await using (var peer = await RawPeer.ConnectAsync(_node.Port))
        {
            var accept = await peer.AssociateAsync(new PresentationContextProposal(1, "1.2.840.10008.5.1.4.1.1.2", [TransferSyntax.ExplicitVrLittleEndianUid]));
            Assert.Equal(PresentationContextOutcome.AbstractSyntaxNotSupported, Assert.Single(accept.PresentationContexts).Outcome);
        }

        // Our SCU says so clearly, naming the peer and the class.
        var (ct, _) = SampleDatasets.Create(new SampleSpec(Rows: 8, Columns: 8, Seed: 44));
        ct.AddString(DicomTag.SopClassUid, "UI", "1.2.840.10008.5.1.4.1.1.2");
        byte[] file = DicomWriter.Write(ct, TransferSyntax.ExplicitVrLittleEndianUid);
        var error = await Assert.ThrowsAsync<DicomNetworkException>(() => new DicomClient().StoreAsync(_node.Peer, [("ct.dcm", file)]));
        Assert.Contains("1.2.840.10008.5.1.4.1.1.2", error.Message);
        Assert.Contains(_node.Peer.ToString(), error.Message);
        await _node.AssertStillServesAsync();
    }

    [Fact]
    public async Task A_calling_AE_title_not_allowed_is_rejected_permanently()
    {
        var client = new DicomClient(new DicomClientOptions { CallingAeTitle = "INTRUDER" });

        var error = await Assert.ThrowsAsync<AssociationRejectedException>(() => client.EchoAsync(_node.Peer));

        Assert.Equal((AssociationRejectResult.Permanent, AssociationRejectSource.ServiceUser, AssociationRejectReason.CallingAeTitleNotRecognized),
            (error.Result, error.RejectSource, error.ReasonCode));
        Assert.Contains("calling AE title not recognized", error.Message);
        await _node.AssertStillServesAsync();
    }

    [Fact]
    public async Task A_wrong_called_AE_title_is_rejected_permanently()
    {
        var error = await Assert.ThrowsAsync<AssociationRejectedException>(() => new DicomClient().EchoAsync(new DicomPeer("NOTUS", "127.0.0.1", _node.Port)));
        Assert.Equal(AssociationRejectReason.CalledAeTitleNotRecognized, error.ReasonCode);
        await _node.AssertStillServesAsync();
    }

    [Fact]
    public async Task Another_application_context_is_rejected()
    {
        await using var peer = await RawPeer.ConnectAsync(_node.Port);
        await peer.SendAsync(PduEncoder.Encode(new AssociateRequestPdu("TBSCREEN", "RAWPEER", "1.2.840.10008.3.1.1.2", [Wire.Verification], new UserInformation(16384, "1.2.3", null))));

        Assert.Equal(new AssociateRejectPdu(AssociationRejectResult.Permanent, AssociationRejectSource.ServiceUser, AssociationRejectReason.ApplicationContextNameNotSupported), await peer.ReadAsync());
        await _node.AssertStillServesAsync();
    }

    [Fact]
    public async Task A_peer_that_connects_and_sends_nothing_is_closed_by_ARTIM()
    {
        await using var peer = await RawPeer.ConnectAsync(_node.Port);

        // ARTIM is 2 s here; the generous bound only guards against a hang on a loaded machine.
        Assert.True(await peer.ClosedByListenerAsync(TimeSpan.FromSeconds(15)));
        Assert.Contains(_node.Logger.Entries, e => e.Message.Contains("ARTIM", StringComparison.Ordinal));
        await _node.AssertStillServesAsync();
    }

    [Fact]
    public async Task A_silent_association_is_aborted_after_the_idle_timeout()
    {
        await using var peer = await RawPeer.ConnectAsync(_node.Port);
        await peer.AssociateAsync(Wire.Verification);

        Assert.IsType<AbortPdu>(await peer.ReadAsync(TimeSpan.FromSeconds(20)));
        await _node.AssertStillServesAsync();
    }

    [Fact]
    public async Task A_PDV_on_a_context_that_was_not_accepted_is_aborted()
    {
        await using var peer = await RawPeer.ConnectAsync(_node.Port);
        await peer.AssociateAsync(Wire.Verification);
        await peer.SendAsync(Wire.Echo(contextId: 7));

        Assert.Equal(new AbortPdu(AbortSource.ServiceProvider, AbortReason.InvalidPduParameterValue), await peer.ReadAsync());
        await _node.AssertStillServesAsync();
    }

    [Fact]
    public async Task An_unsupported_DIMSE_request_gets_unrecognized_operation()
    {
        await using var peer = await RawPeer.ConnectAsync(_node.Port);
        await peer.AssociateAsync(Wire.Verification);
        // N-GET-RQ (0x0110) on the Verification context, with no data set: not an operation this node serves.
        await peer.SendAsync(Wire.Message(1, new DimseCommand { CommandField = 0x0110, AffectedSopClassUid = DicomUids.Verification, MessageId = 5 }, null));
        var response = await Wire.ReadResponseAsync(peer);
        // C-FIND-RQ (0x0020) and C-GET-RQ (0x0010) are served, but not on a Verification context (nor by a listener
        // without a query or get handler).
        await peer.SendAsync(Wire.Message(1, new DimseCommand { CommandField = 0x0020, AffectedSopClassUid = DicomUids.Verification, MessageId = 6 }, null));
        var find = await Wire.ReadResponseAsync(peer);
        await peer.SendAsync(Wire.Message(1, new DimseCommand { CommandField = 0x0010, AffectedSopClassUid = DicomUids.Verification, MessageId = 7 }, null));
        var get = await Wire.ReadResponseAsync(peer);

        Assert.Equal(((ushort)0x8110, (ushort?)0x0211), (response.CommandField, response.Status));
        Assert.Equal(((ushort)0x8020, (ushort?)0x0122), (find.CommandField, find.Status));
        Assert.Equal(((ushort)0x8010, (ushort?)0x0122, (ushort?)7), (get.CommandField, get.Status, get.MessageIdBeingRespondedTo));
        await _node.AssertStillServesAsync();
    }

    /// <summary>The longest prefix of <paramref name="stream"/> made of whole PDUs and at most <paramref name="maxBytes"/> long.</summary>
    private static byte[] WholePdus(byte[] stream, int maxBytes)
    {
        int position = 0;
        while (position + 6 <= stream.Length)
        {
            int next = position + 6 + (int)System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(stream.AsSpan(position + 2));
            if (next > maxBytes)
            {
                break;
            }

            position = next;
        }

        return stream[..position];
    }
}

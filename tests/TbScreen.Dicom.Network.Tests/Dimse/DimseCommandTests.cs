using TbScreen.Dicom.Network.Dimse;

namespace TbScreen.Dicom.Network.Tests.Dimse;

/// <summary>Command sets in Implicit VR Little Endian, laid out by hand from PS3.7 E.1 (tag, 4-byte length, value).</summary>
public sealed class DimseCommandTests
{
    [Fact]
    public void C_ECHO_RQ_encodes_to_the_standard_layout_and_back()
    {
        byte[] expected =
        [
            0x00, 0x00, 0x00, 0x00, 0x04, 0x00, 0x00, 0x00, 0x38, 0x00, 0x00, 0x00,                    // (0000,0000) UL 56
            0x00, 0x00, 0x02, 0x00, 0x12, 0x00, 0x00, 0x00, .. "1.2.840.10008.1.1"u8, 0x00,           // (0000,0002) UI, NUL padded
            0x00, 0x00, 0x00, 0x01, 0x02, 0x00, 0x00, 0x00, 0x30, 0x00,                                // (0000,0100) US 0x0030
            0x00, 0x00, 0x10, 0x01, 0x02, 0x00, 0x00, 0x00, 0x07, 0x00,                                // (0000,0110) US 7
            0x00, 0x00, 0x00, 0x08, 0x02, 0x00, 0x00, 0x00, 0x01, 0x01,                                // (0000,0800) US 0x0101
        ];
        var command = new DimseCommand { CommandField = CommandField.CEchoRequest, AffectedSopClassUid = DicomUids.Verification, MessageId = 7 };

        Assert.Equal(expected, command.Encode());
        Assert.Equal(command, DimseCommand.Decode(expected));
    }

    [Fact]
    public void N_ACTION_RQ_of_a_Storage_Commitment_encodes_its_requested_class_instance_and_action_type()
    {
        byte[] expected =
        [
            0x00, 0x00, 0x00, 0x00, 0x04, 0x00, 0x00, 0x00, 0x62, 0x00, 0x00, 0x00,                    // (0000,0000) UL 98
            0x00, 0x00, 0x03, 0x00, 0x14, 0x00, 0x00, 0x00, .. "1.2.840.10008.1.20.1"u8,               // (0000,0003) UI, even: no padding
            0x00, 0x00, 0x00, 0x01, 0x02, 0x00, 0x00, 0x00, 0x30, 0x01,                                // (0000,0100) US 0x0130
            0x00, 0x00, 0x10, 0x01, 0x02, 0x00, 0x00, 0x00, 0x03, 0x00,                                // (0000,0110) US 3
            0x00, 0x00, 0x00, 0x08, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00,                                // (0000,0800) US 0: a data set follows
            0x00, 0x00, 0x01, 0x10, 0x16, 0x00, 0x00, 0x00, .. "1.2.840.10008.1.20.1.1"u8,             // (0000,1001) UI
            0x00, 0x00, 0x08, 0x10, 0x02, 0x00, 0x00, 0x00, 0x01, 0x00,                                // (0000,1008) US 1
        ];
        var command = new DimseCommand
        {
            CommandField = CommandField.NActionRequest,
            MessageId = 3,
            RequestedSopClassUid = DicomUids.StorageCommitmentPushModel,
            RequestedSopInstanceUid = DicomUids.StorageCommitmentPushModelInstance,
            ActionTypeId = 1,
            HasDataSet = true,
        };

        Assert.Equal(expected, command.Encode());
        Assert.Equal(command, DimseCommand.Decode(expected));
    }

    [Fact]
    public void N_EVENT_REPORT_RSP_round_trips_with_its_event_type()
    {
        var response = new DimseCommand
        {
            CommandField = CommandField.NEventReportResponse,
            AffectedSopClassUid = DicomUids.StorageCommitmentPushModel,
            AffectedSopInstanceUid = DicomUids.StorageCommitmentPushModelInstance,
            MessageIdBeingRespondedTo = 4,
            Status = 0,
            EventTypeId = 2,
        };

        Assert.Equal(response, DimseCommand.Decode(response.Encode()));
    }

    [Fact]
    public void C_STORE_RSP_round_trips_with_status_and_error_comment()
    {
        var response = new DimseCommand
        {
            CommandField = CommandField.CStoreResponse,
            AffectedSopClassUid = DicomUids.ComputedRadiographyImageStorage,
            AffectedSopInstanceUid = "1.2.3.4",
            MessageIdBeingRespondedTo = 9,
            Status = 0xC000,
            ErrorComment = "bad",
        };

        Assert.Equal(response, DimseCommand.Decode(response.Encode()));
    }

    /// <summary>C-MOVE-RQ's Move Destination sits between (0000,0120) and (0000,0700); the RSP counts after (0000,1000).</summary>
    [Fact]
    public void C_MOVE_request_and_response_elements_are_laid_out_in_tag_order_and_round_trip()
    {
        var request = new DimseCommand
        {
            CommandField = CommandField.CMoveRequest, AffectedSopClassUid = DicomUids.StudyRootQueryRetrieveMove, MessageId = 3, Priority = 0,
            MoveDestination = "VIEWER", HasDataSet = true,
        };
        byte[] encoded = request.Encode();
        byte[] destination = [0x00, 0x00, 0x00, 0x06, 0x06, 0x00, 0x00, 0x00, .. "VIEWER"u8];
        byte[] priority = [0x00, 0x00, 0x00, 0x07, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00];
        int at = encoded.AsSpan().IndexOf(destination);
        Assert.True(at > 0 && encoded.AsSpan().IndexOf(priority) == at + destination.Length);
        Assert.Equal(request, DimseCommand.Decode(encoded));

        var response = new DimseCommand
        {
            CommandField = CommandField.CMoveResponse, AffectedSopClassUid = DicomUids.StudyRootQueryRetrieveMove, MessageIdBeingRespondedTo = 3,
            Status = 0xB000, CompletedSuboperations = 1, FailedSuboperations = 1, WarningSuboperations = 0, HasDataSet = true,
        };
        byte[] counts = [0x00, 0x00, 0x21, 0x10, 0x02, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x22, 0x10, 0x02, 0x00, 0x00, 0x00, 0x01, 0x00];
        Assert.True(response.Encode().AsSpan().IndexOf(counts) > 0);
        Assert.Equal(response, DimseCommand.Decode(response.Encode()));
    }

    /// <summary>
    /// Regression (found against Orthanc 1.10.1): its C-GET SCP's final response to a retrieve with a failed
    /// sub-operation carries the Failed SOP Instance UID List (0008,0058) after group 0000 in the command set, with a
    /// Command Group Length that covers group 0000 alone. The command set exactly as Orthanc sent it (182 bytes; the failed
    /// instance is one of our own result objects): the command is read to its group length and the rest is ignored.
    /// </summary>
    [Fact]
    public void A_command_ends_at_its_group_length_even_when_a_peer_appends_other_groups()
    {
        byte[] orthanc = Convert.FromHexString(
            "00000000040000006A000000000002001C000000312E322E3834302E31303030382E352E312E342E312E322E322E33000000000102000000108000002001020000000200"
            + "00000008020000000101000000090200000000C0000021100200000001000000221002000000010000002310020000000000080000000400000034000000080058002C00"
            + "0000322E32352E333331373039303930353530313631343735323739363733353532303438373136373433363732");

        var response = DimseCommand.Decode(orthanc);

        Assert.Equal(
            new DimseCommand
            {
                CommandField = CommandField.CGetResponse, AffectedSopClassUid = DicomUids.StudyRootQueryRetrieveGet, MessageIdBeingRespondedTo = 2, Status = 0xC000,
                CompletedSuboperations = 1, FailedSuboperations = 1, WarningSuboperations = 0,
            },
            response);
        // Inside the group's declared length another group is still malformed.
        byte[] inside = [0x00, 0x00, 0x00, 0x00, 0x04, 0x00, 0x00, 0x00, 0x08, 0x00, 0x00, 0x00, 0x08, 0x00, 0x16, 0x00, 0x00, 0x00, 0x00, 0x00];
        Assert.Throws<DimseFormatException>(() => DimseCommand.Decode(inside));
    }

    [Theory]
    [InlineData(new byte[] { 0x08, 0x00, 0x16, 0x00, 0x00, 0x00, 0x00, 0x00 })]                         // group 0008 in a command
    [InlineData(new byte[] { 0x00, 0x00, 0x00, 0x01, 0xFF, 0xFF, 0xFF, 0x7F })]                         // length past the end
    [InlineData(new byte[] { 0x00, 0x00, 0x00, 0x01, 0x04, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00 })] // US of 4 bytes
    [InlineData(new byte[] { 0x00, 0x00, 0x10, 0x01, 0x02, 0x00, 0x00, 0x00, 0x01, 0x00 })]             // no command field
    public void Malformed_command_sets_are_refused(byte[] bytes) =>
        Assert.Throws<DimseFormatException>(() => DimseCommand.Decode(bytes));
}

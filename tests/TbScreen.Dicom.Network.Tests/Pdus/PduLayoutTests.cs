using System.Text;
using TbScreen.Dicom.Network.Pdus;

namespace TbScreen.Dicom.Network.Tests.Pdus;

/// <summary>Our encoder and decoder against byte layouts written out by hand from PS3.8 9.3 (big endian, fixed fields).</summary>
public sealed class PduLayoutTests
{
    private static readonly byte[] RequestBytes = Bytes(
        [0x01, 0x00, 0x00, 0x00, 0x00, 0xAA],          // A-ASSOCIATE-RQ, length 170 = 68 + 25 + 50 + 27
        [0x00, 0x01, 0x00, 0x00],                      // protocol version 1, reserved
        Ascii("ANY-SCP         "),                      // called AE, 16 bytes space padded
        Ascii("ECHOSCU         "),                      // calling AE
        new byte[32],                                  // reserved
        [0x10, 0x00, 0x00, 0x15], Ascii("1.2.840.10008.3.1.1.1"),
        [0x20, 0x00, 0x00, 0x2E, 0x01, 0x00, 0x00, 0x00],
        [0x30, 0x00, 0x00, 0x11], Ascii("1.2.840.10008.1.1"),
        [0x40, 0x00, 0x00, 0x11], Ascii("1.2.840.10008.1.2"),
        [0x50, 0x00, 0x00, 0x17],
        [0x51, 0x00, 0x00, 0x04, 0x00, 0x00, 0x40, 0x00], // maximum length 16384
        [0x52, 0x00, 0x00, 0x05], Ascii("1.2.3"),
        [0x55, 0x00, 0x00, 0x02], Ascii("V1"));

    private static readonly byte[] AcceptBytes = Bytes(
        [0x02, 0x00, 0x00, 0x00, 0x00, 0x95],          // A-ASSOCIATE-AC, length 149 = 68 + 25 + 29 + 27
        [0x00, 0x01, 0x00, 0x00],
        Ascii("ANY-SCP         "),
        Ascii("ECHOSCU         "),
        new byte[32],
        [0x10, 0x00, 0x00, 0x15], Ascii("1.2.840.10008.3.1.1.1"),
        [0x21, 0x00, 0x00, 0x19, 0x01, 0x00, 0x00, 0x00], // context 1, result 0 (acceptance)
        [0x40, 0x00, 0x00, 0x11], Ascii("1.2.840.10008.1.2"),
        [0x50, 0x00, 0x00, 0x17],
        [0x51, 0x00, 0x00, 0x04, 0x00, 0x00, 0x40, 0x00],
        [0x52, 0x00, 0x00, 0x05], Ascii("1.2.3"),
        [0x55, 0x00, 0x00, 0x02], Ascii("V1"));

    [Fact]
    public void A_ASSOCIATE_RQ_encodes_to_the_standard_layout_and_back()
    {
        var request = new AssociateRequestPdu("ANY-SCP", "ECHOSCU", DicomUids.ApplicationContext,
            [new PresentationContextProposal(1, DicomUids.Verification, [TransferSyntax.ImplicitVrLittleEndianUid])],
            new UserInformation(16384, "1.2.3", "V1"));

        Assert.Equal(RequestBytes, PduEncoder.Encode(request));

        var decoded = Assert.IsType<AssociateRequestPdu>(Decode(RequestBytes));
        Assert.Equal(("ANY-SCP", "ECHOSCU", DicomUids.ApplicationContext, (ushort)1), (decoded.CalledAeTitle, decoded.CallingAeTitle, decoded.ApplicationContext, decoded.ProtocolVersion));
        var context = Assert.Single(decoded.PresentationContexts);
        Assert.Equal((1, DicomUids.Verification), (context.Id, context.AbstractSyntax));
        Assert.Equal([TransferSyntax.ImplicitVrLittleEndianUid], context.TransferSyntaxes);
        Assert.Equal(new UserInformation(16384, "1.2.3", "V1"), decoded.UserInformation);
    }

    [Fact]
    public void A_ASSOCIATE_AC_encodes_to_the_standard_layout_and_back()
    {
        var accept = new AssociateAcceptPdu("ANY-SCP", "ECHOSCU", DicomUids.ApplicationContext,
            [new PresentationContextResult(1, PresentationContextOutcome.Acceptance, TransferSyntax.ImplicitVrLittleEndianUid)],
            new UserInformation(16384, "1.2.3", "V1"));

        Assert.Equal(AcceptBytes, PduEncoder.Encode(accept));

        var decoded = Assert.IsType<AssociateAcceptPdu>(Decode(AcceptBytes));
        Assert.Equal(new PresentationContextResult(1, PresentationContextOutcome.Acceptance, TransferSyntax.ImplicitVrLittleEndianUid), Assert.Single(decoded.PresentationContexts));
        Assert.Equal(16384u, decoded.UserInformation.MaxPduLength);
    }

    [Fact]
    public void A_ASSOCIATE_RJ_A_RELEASE_and_A_ABORT_have_their_fixed_layouts()
    {
        Assert.Equal(new byte[] { 0x03, 0, 0, 0, 0, 4, 0x00, 0x01, 0x01, 0x03 },
            PduEncoder.Encode(new AssociateRejectPdu(AssociationRejectResult.Permanent, AssociationRejectSource.ServiceUser, AssociationRejectReason.CallingAeTitleNotRecognized)));
        Assert.Equal(new byte[] { 0x03, 0, 0, 0, 0, 4, 0x00, 0x02, 0x03, 0x02 },
            PduEncoder.Encode(new AssociateRejectPdu(AssociationRejectResult.Transient, AssociationRejectSource.ServiceProviderPresentation, AssociationRejectReason.LocalLimitExceeded)));
        Assert.Equal(new byte[] { 0x05, 0, 0, 0, 0, 4, 0, 0, 0, 0 }, PduEncoder.Encode(new ReleaseRequestPdu()));
        Assert.Equal(new byte[] { 0x06, 0, 0, 0, 0, 4, 0, 0, 0, 0 }, PduEncoder.Encode(new ReleaseResponsePdu()));
        Assert.Equal(new byte[] { 0x07, 0, 0, 0, 0, 4, 0, 0, 0x02, 0x06 }, PduEncoder.Encode(new AbortPdu(AbortSource.ServiceProvider, AbortReason.InvalidPduParameterValue)));

        Assert.Equal(new AssociateRejectPdu(AssociationRejectResult.Transient, AssociationRejectSource.ServiceProviderPresentation, 2),
            Decode([0x03, 0, 0, 0, 0, 4, 0x00, 0x02, 0x03, 0x02]));
        Assert.Equal(new AbortPdu(AbortSource.ServiceUser, AbortReason.NotSpecified), Decode([0x07, 0, 0, 0, 0, 4, 0, 0, 0, 0]));
        Assert.IsType<ReleaseRequestPdu>(Decode([0x05, 0, 0, 0, 0, 4, 0, 0, 0, 0]));
    }

    [Fact]
    public void P_DATA_TF_carries_PDVs_with_their_message_control_headers()
    {
        byte[] expected =
        [
            0x04, 0, 0, 0, 0, 0x10,             // P-DATA-TF, length 16
            0, 0, 0, 4, 0x01, 0x03, 0xAA, 0xBB, // PDV: length 4, context 1, command + last, 2 bytes
            0, 0, 0, 4, 0x01, 0x00, 0xCC, 0xDD, // PDV: data set, not last
        ];
        var pdu = new DataTransferPdu(
        [
            new PresentationDataValue(1, IsCommand: true, IsLast: true, new byte[] { 0xAA, 0xBB }),
            new PresentationDataValue(1, IsCommand: false, IsLast: false, new byte[] { 0xCC, 0xDD }),
        ]);

        Assert.Equal(expected, PduEncoder.Encode(pdu));

        var decoded = Assert.IsType<DataTransferPdu>(Decode(expected));
        Assert.Equal(2, decoded.Values.Count);
        Assert.True(decoded.Values[0] is { PresentationContextId: 1, IsCommand: true, IsLast: true });
        Assert.True(decoded.Values[1] is { IsCommand: false, IsLast: false });
        Assert.Equal(new byte[] { 0xCC, 0xDD }, decoded.Values[1].Fragment.ToArray());
    }

    [Fact]
    public void Message_control_header_bits_2_to_7_are_not_checked()
    {
        var decoded = Assert.IsType<DataTransferPdu>(Decode([0x04, 0, 0, 0, 0, 8, 0, 0, 0, 4, 0x01, 0xFE, 0x11, 0x22]));
        Assert.True(decoded.Values[0] is { IsCommand: false, IsLast: true });
    }

    [Fact]
    public void Trailing_padding_in_UIDs_and_AE_titles_is_not_significant()
    {
        byte[] bytes = (byte[])RequestBytes.Clone();
        Encoding.ASCII.GetBytes("ANY-SCP\0\0\0\0\0\0\0\0\0").CopyTo(bytes, 10);
        Assert.Equal("ANY-SCP", Assert.IsType<AssociateRequestPdu>(Decode(bytes)).CalledAeTitle);
    }

    [Theory]
    [InlineData(77, AbortReason.InvalidPduParameterValue)] // application context item length (bytes 76-77) set to overrun the PDU
    [InlineData(74, AbortReason.UnrecognizedPduParameter)] // application context item type (byte 74) changed to 0x00
    public void Broken_items_raise_the_abort_reason_the_standard_gives(int offset, AbortReason reason)
    {
        byte[] bytes = (byte[])RequestBytes.Clone();
        if (reason == AbortReason.InvalidPduParameterValue)
        {
            bytes[offset] = 0xFF;
            bytes[offset - 1] = 0xFF;
        }
        else
        {
            bytes[offset] = 0x00;
        }

        var error = Assert.Throws<PduException>(() => Decode(bytes));
        Assert.Equal(reason, error.Reason);
    }

    [Fact]
    public void Fixed_size_PDUs_with_another_length_are_refused()
    {
        var error = Assert.Throws<PduException>(() => PduDecoder.Decode(PduType.ReleaseRequest, new byte[6]));
        Assert.Equal(AbortReason.InvalidPduParameterValue, error.Reason);
    }

    [Fact]
    public void A_PDV_whose_length_overruns_the_PDU_is_refused()
    {
        var error = Assert.Throws<PduException>(() => Decode([0x04, 0, 0, 0, 0, 8, 0x7F, 0xFF, 0xFF, 0xFF, 0x01, 0x03, 0, 0]));
        Assert.Equal(AbortReason.InvalidPduParameterValue, error.Reason);
    }

    [Fact]
    public void Unknown_user_information_sub_items_such_as_user_identity_are_skipped()
    {
        byte[] withIdentity = Bytes(
            [0x50, 0x00, 0x00, 0x14],
            [0x51, 0x00, 0x00, 0x04, 0x00, 0x01, 0x00, 0x00],
            [0x58, 0x00, 0x00, 0x08, 0x01, 0x00, 0x00, 0x02], Ascii("me"), [0x00, 0x00]);
        byte[] body = Bytes(RequestBytes.AsSpan(6, 68 + 25 + 50).ToArray(), withIdentity);
        var decoded = Assert.IsType<AssociateRequestPdu>(PduDecoder.Decode(PduType.AssociateRequest, body));
        Assert.Equal(new UserInformation(65536, null, null), decoded.UserInformation);
    }

    /// <summary>
    /// SCP/SCU Role Selection (PS3.7 D.3.3.4): item type 54H, a reserved byte, the item length, the UID length, the SOP
    /// class UID, then the SCU-role and SCP-role bytes. Written out by hand for CR with the requestor as SCP only.
    /// </summary>
    [Fact]
    public void Role_selection_sub_items_have_the_standard_layout_both_ways()
    {
        byte[] userInformation = Bytes(
            [0x50, 0x00, 0x00, 0x29],
            [0x51, 0x00, 0x00, 0x04, 0x00, 0x00, 0x40, 0x00],
            [0x54, 0x00, 0x00, 0x1D, 0x00, 0x19], Ascii("1.2.840.10008.5.1.4.1.1.1"), [0x00, 0x01]);
        byte[] body = Bytes(RequestBytes.AsSpan(6, 68 + 25 + 50).ToArray(), userInformation);
        var role = new RoleSelection(DicomUids.ComputedRadiographyImageStorage, RequestorIsScu: false, RequestorIsScp: true);
        var expected = new UserInformation(16384, null, null) { RoleSelections = [role] };

        var decoded = Assert.IsType<AssociateRequestPdu>(PduDecoder.Decode(PduType.AssociateRequest, body));

        Assert.Equal(expected, decoded.UserInformation);
        Assert.Equal(Bytes([0x01, 0x00, 0x00, 0x00, 0x00, (byte)body.Length], body), PduEncoder.Encode(decoded));
    }

    [Theory]
    [InlineData(new byte[] { 0x00, 0x05, 0x31, 0x2E, 0x32, 0x00, 0x01 }, "UID length of 5")] // the UID length overruns the sub-item
    [InlineData(new byte[] { 0x00, 0x03, 0x31, 0x2E, 0x32, 0x02, 0x01 }, "only 0 and 1")]
    [InlineData(new byte[] { 0x00, 0x03 }, "shorter than its fixed fields")]
    public void A_malformed_role_selection_is_refused_naming_why(byte[] sub, string reason)
    {
        byte[] userInformation = Bytes([0x50, 0x00, 0x00, (byte)(8 + 4 + sub.Length)], [0x51, 0x00, 0x00, 0x04, 0x00, 0x00, 0x40, 0x00], [0x54, 0x00, 0x00, (byte)sub.Length], sub);
        byte[] body = Bytes(RequestBytes.AsSpan(6, 68 + 25 + 50).ToArray(), userInformation);

        var error = Assert.Throws<PduException>(() => PduDecoder.Decode(PduType.AssociateRequest, body));

        Assert.Equal(AbortReason.InvalidPduParameterValue, error.Reason);
        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
    }

    private static Pdu Decode(byte[] bytes)
    {
        var reader = new PduReader(new MemoryStream(bytes));
        return reader.ReadAsync(1 << 20, CancellationToken.None).GetAwaiter().GetResult()!;
    }

    private static byte[] Ascii(string text) => Encoding.ASCII.GetBytes(text);

    private static byte[] Bytes(params byte[][] parts) => parts.SelectMany(p => p).ToArray();
}

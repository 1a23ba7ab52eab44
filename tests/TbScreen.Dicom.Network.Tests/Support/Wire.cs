using TbScreen.Dicom.Network.Dimse;
using TbScreen.Dicom.Network.Pdus;
using TbScreen.Dicom.Samples;
using TbScreen.Dicom.Writing;

namespace TbScreen.Dicom.Network.Tests.Support;

/// <summary>Byte streams a requestor would send, built with our encoder for tests that then break them.</summary>
internal static class Wire
{
    public static readonly PresentationContextProposal Verification = new(1, DicomUids.Verification, [TransferSyntax.ImplicitVrLittleEndianUid]);

    public static readonly PresentationContextProposal ComputedRadiography = new(3, DicomUids.ComputedRadiographyImageStorage, [TransferSyntax.ExplicitVrLittleEndianUid]);

    public static byte[] AssociateRequest(string called, string calling, params PresentationContextProposal[] contexts) =>
        AssociateRequest(called, calling, [], contexts);

    /// <summary>An A-ASSOCIATE-RQ that also proposes SCP/SCU roles (PS3.7 D.3.3.4), as a C-GET requestor does.</summary>
    public static byte[] AssociateRequest(string called, string calling, IReadOnlyList<RoleSelection> roles, params PresentationContextProposal[] contexts) =>
        PduEncoder.Encode(new AssociateRequestPdu(called, calling, DicomUids.ApplicationContext, contexts,
            new UserInformation(16384, "1.2.3.4.5", "RAWPEER") { RoleSelections = roles }));

    public static byte[] Message(byte contextId, DimseCommand command, byte[]? dataSet, uint maxPduLength = 16384)
    {
        var output = new MemoryStream();
        MessageWriter.WriteAsync(output, contextId, command, dataSet, maxPduLength, CancellationToken.None).GetAwaiter().GetResult();
        return output.ToArray();
    }

    public static byte[] Echo(byte contextId = 1, ushort messageId = 1) =>
        Message(contextId, new DimseCommand { CommandField = CommandField.CEchoRequest, AffectedSopClassUid = DicomUids.Verification, MessageId = messageId }, null);

    public static byte[] Store(byte contextId, string sopClass, string sopInstance, byte[] dataSet, ushort messageId = 1, uint maxPduLength = 16384) =>
        Message(contextId, new DimseCommand
        {
            CommandField = CommandField.CStoreRequest,
            AffectedSopClassUid = sopClass,
            AffectedSopInstanceUid = sopInstance,
            MessageId = messageId,
            Priority = 0,
            HasDataSet = true,
        }, dataSet, maxPduLength);

    public static byte[] Release() => PduEncoder.Encode(new ReleaseRequestPdu());

    /// <summary>A small CR phantom as an Explicit VR Little Endian data set, with its SOP Instance UID.</summary>
    public static (byte[] DataSet, string SopInstanceUid) SmallRadiograph(int seed = 7)
    {
        var (dataSet, _) = SampleDatasets.Create(new SampleSpec(Rows: 16, Columns: 16, Seed: seed));
        return (DicomWriter.Write(dataSet, TransferSyntax.ExplicitVrLittleEndianUid, new DicomWriterOptions { Preamble = false }), dataSet.GetString(DicomTag.SopInstanceUid)!);
    }

    /// <summary>Reads the DIMSE response in the PDUs the listener answered with.</summary>
    public static async Task<DimseCommand> ReadResponseAsync(RawPeer peer) => (await ReadMessageAsync(peer, 1024)).Command;

    /// <summary>Reads the next whole DIMSE message, command and data set, the listener sends.</summary>
    public static async Task<DimseMessage> ReadMessageAsync(RawPeer peer, int maxDataSetBytes = 1 << 20)
    {
        var assembler = new MessageAssembler(maxDataSetBytes);
        while (true)
        {
            var pdu = await peer.ReadAsync();
            var data = Assert.IsType<DataTransferPdu>(pdu);
            foreach (var pdv in data.Values)
            {
                if (assembler.Add(pdv) is { } message)
                {
                    return message;
                }
            }
        }
    }
}

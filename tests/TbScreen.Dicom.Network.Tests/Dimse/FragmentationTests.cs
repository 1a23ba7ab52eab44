using TbScreen.Dicom.Network.Dimse;
using TbScreen.Dicom.Network.Pdus;

namespace TbScreen.Dicom.Network.Tests.Dimse;

/// <summary>PDV fragmentation within the peer's maximum and reassembly (PS3.8 Annex E, D.1).</summary>
public sealed class FragmentationTests
{
    [Theory]
    [InlineData(4096u, 100_000)]
    [InlineData(4097u, 9_999)]   // odd room: fragments still even
    [InlineData(16384u, 0)]
    [InlineData(0u, 3_000_000)]  // peer announced no maximum: we still bound our PDUs
    public async Task Messages_split_within_the_maximum_and_reassemble_exactly(uint peerMax, int dataSetLength)
    {
        byte[] dataSet = new byte[dataSetLength];
        new Random(dataSetLength).NextBytes(dataSet);
        var command = new DimseCommand { CommandField = CommandField.CStoreRequest, AffectedSopClassUid = "1.2.3", AffectedSopInstanceUid = "4.5.6", MessageId = 3, HasDataSet = true };
        var output = new MemoryStream();
        await MessageWriter.WriteAsync(output, 5, command, dataSet, peerMax, CancellationToken.None);

        output.Position = 0;
        var reader = new PduReader(output);
        var assembler = new MessageAssembler(int.MaxValue);
        uint limit = peerMax == 0 ? MessageWriter.UnlimitedPeerSendLength : peerMax;
        DimseMessage? message = null;
        int pdus = 0;
        while (message is null)
        {
            var pdu = Assert.IsType<DataTransferPdu>(await reader.ReadAsync(limit, CancellationToken.None));
            pdus++;
            foreach (var pdv in pdu.Values)
            {
                Assert.Equal(5, pdv.PresentationContextId);
                Assert.True(pdv.Fragment.Length % 2 == 0 || pdv.IsLast, "fragments are even (PS3.8 E.1)");
                message = assembler.Add(pdv) ?? message;
            }
        }

        Assert.Equal(command, message.Command);
        Assert.Equal(dataSet, message.DataSet);
        Assert.Equal(output.Length, output.Position);
        Assert.True(pdus >= 1 + (dataSetLength + (int)limit - 7) / ((int)limit - 6));
    }

    [Fact]
    public void A_data_fragment_before_any_command_is_an_unexpected_parameter()
    {
        var assembler = new MessageAssembler(1024);
        var error = Assert.Throws<PduException>(() => assembler.Add(new PresentationDataValue(1, false, true, new byte[2])));
        Assert.Equal(AbortReason.UnexpectedPduParameter, error.Reason);
    }

    [Fact]
    public void Fragments_of_one_message_on_two_contexts_are_refused()
    {
        var assembler = new MessageAssembler(1024);
        byte[] command = new DimseCommand { CommandField = CommandField.CEchoRequest, MessageId = 1 }.Encode();
        assembler.Add(new PresentationDataValue(1, true, false, command.AsMemory(0, 4)));
        Assert.Throws<PduException>(() => assembler.Add(new PresentationDataValue(3, true, true, command.AsMemory(4))));
    }

    [Fact]
    public void A_data_set_over_the_cap_is_dropped_but_the_message_completes()
    {
        var assembler = new MessageAssembler(maxDataSetBytes: 10);
        byte[] command = new DimseCommand { CommandField = CommandField.CStoreRequest, MessageId = 1, HasDataSet = true }.Encode();
        Assert.Null(assembler.Add(new PresentationDataValue(1, true, true, command)));
        Assert.Null(assembler.Add(new PresentationDataValue(1, false, false, new byte[8])));
        var message = assembler.Add(new PresentationDataValue(1, false, true, new byte[8]));
        Assert.True(message is { DataSetTooLarge: true, DataSet: null });
    }
}

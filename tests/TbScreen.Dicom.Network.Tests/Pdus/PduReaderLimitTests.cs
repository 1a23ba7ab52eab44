using TbScreen.Dicom.Network.Pdus;

namespace TbScreen.Dicom.Network.Tests.Pdus;

/// <summary>Hostile length fields are refused before anything is allocated for them.</summary>
public sealed class PduReaderLimitTests
{
    [Theory]
    [InlineData(0x01)] // A-ASSOCIATE-RQ claiming 4 GiB
    [InlineData(0x04)] // P-DATA-TF claiming 4 GiB
    [InlineData(0x07)] // A-ABORT claiming 4 GiB
    public void A_huge_length_field_is_refused_with_bounded_allocation(byte type)
    {
        var stream = new MemoryStream([type, 0x00, 0xFF, 0xFF, 0xFF, 0xFF, 0x00, 0x00]);
        var reader = new PduReader(stream);

        long before = GC.GetAllocatedBytesForCurrentThread();
        var error = Assert.Throws<PduException>(() => reader.ReadAsync(16384, CancellationToken.None).GetAwaiter().GetResult());
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(AbortReason.InvalidPduParameterValue, error.Reason);
        Assert.True(allocated < 64 * 1024, $"refusing the PDU allocated {allocated} bytes");
    }

    [Fact]
    public void A_data_PDU_one_byte_over_the_announced_maximum_is_refused()
    {
        var stream = new MemoryStream([0x04, 0x00, 0x00, 0x00, 0x40, 0x01]);
        var error = Assert.Throws<PduException>(() => new PduReader(stream).ReadAsync(16384, CancellationToken.None).GetAwaiter().GetResult());
        Assert.Equal(AbortReason.InvalidPduParameterValue, error.Reason);
    }

    [Fact]
    public void An_unknown_PDU_type_is_unrecognized()
    {
        var stream = new MemoryStream([0x09, 0x00, 0x00, 0x00, 0x00, 0x04, 0, 0, 0, 0]);
        var error = Assert.Throws<PduException>(() => new PduReader(stream).ReadAsync(16384, CancellationToken.None).GetAwaiter().GetResult());
        Assert.Equal(AbortReason.UnrecognizedPdu, error.Reason);
    }

    [Fact]
    public async Task A_PDU_cut_short_by_the_peer_is_end_of_stream_and_a_clean_close_is_null()
    {
        await Assert.ThrowsAnyAsync<EndOfStreamException>(() => new PduReader(new MemoryStream([0x05, 0x00, 0x00, 0x00, 0x00, 0x04, 0])).ReadAsync(16384, CancellationToken.None));
        Assert.Null(await new PduReader(new MemoryStream()).ReadAsync(16384, CancellationToken.None));
    }
}

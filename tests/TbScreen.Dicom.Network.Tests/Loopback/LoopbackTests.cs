using TbScreen.Dicom.Network.Tests.Support;

namespace TbScreen.Dicom.Network.Tests.Loopback;

/// <summary>Our SCU against our SCP on loopback: C-ECHO, and C-STORE of every sample arriving byte for byte.</summary>
public sealed class LoopbackTests : IAsyncLifetime
{
    private RunningListener _node = null!;

    public async Task InitializeAsync() => _node = await RunningListener.StartAsync(o => o with { MaxPduLength = 16384 });

    public async Task DisposeAsync() => await _node.DisposeAsync();

    [Fact]
    public async Task C_ECHO_succeeds()
    {
        await new DicomClient().EchoAsync(_node.Peer);
        Assert.Empty(_node.Logger.Errors);
    }

    [Theory]
    [MemberData(nameof(SampleFiles.Names), MemberType = typeof(SampleFiles))]
    public async Task C_STORE_delivers_each_sample_unchanged(string name)
    {
        var client = new DicomClient(new DicomClientOptions { CallingAeTitle = "LOOPBACK", MaxPduLength = 4096 });

        var result = await client.StoreFileAsync(_node.Peer, SampleFiles.PathOf(name));

        Assert.True(result.Stored, result.Status.ToString());
        Assert.False(result.Converted);
        var received = _node.Handler.Single(result.SopInstanceUid);
        Assert.Equal(SampleFiles.DataSetBytes(name), received.DataSetBytes.ToArray());
        Assert.Equal(("LOOPBACK", "TBSCREEN", DicomUids.ComputedRadiographyImageStorage), (received.CallingAeTitle, received.CalledAeTitle, received.SopClassUid));
        var original = new DicomReader().Read(SampleFiles.PathOf(name));
        Assert.Equal(original.TransferSyntax.Uid, received.TransferSyntax.Uid);
        DataSetComparison.AssertSameContent(original.Dataset, received.DataSet);

        // The file the host would write reads back as the same instance.
        var stored = new DicomReader().Parse(received.ToPart10(), name);
        Assert.Equal(result.SopInstanceUid, stored.FileMeta.GetString(DicomTag.MediaStorageSopInstanceUid));
        Assert.Equal("LOOPBACK", stored.FileMeta.GetString(0x00020016));
        DataSetComparison.AssertSameContent(original.Dataset, stored.Dataset);
        Assert.Empty(_node.Logger.Errors);
    }

    [Fact]
    public async Task All_samples_go_over_one_association_and_each_gets_its_answer()
    {
        var files = SampleFiles.Files.Select(f => (f, File.ReadAllBytes(f))).ToList();

        var results = await new DicomClient().StoreAsync(_node.Peer, files);

        Assert.Equal(files.Count, results.Count);
        Assert.All(results, r => Assert.True(r.Stored));
        Assert.Equal(files.Count, _node.Handler.Received.Count);
    }

    [Fact]
    public async Task The_handler_status_is_what_the_sender_gets_and_success_comes_only_after_the_handler()
    {
        _node.Handler.Answer = _ => DicomStatus.OutOfResources("disk full");
        var result = await new DicomClient().StoreFileAsync(_node.Peer, SampleFiles.Files[0]);
        Assert.False(result.Stored);
        Assert.Equal(new DicomStatus(0xA700, "disk full"), result.Status);
    }

    [Fact]
    public async Task A_handler_that_throws_gets_out_of_resources_and_the_association_goes_on()
    {
        int calls = 0;
        _node.Handler.Answer = _ => ++calls == 1 ? throw new IOException("database down") : DicomStatus.Success;
        var files = SampleFiles.Files.Take(2).Select(f => (f, File.ReadAllBytes(f))).ToList();

        var results = await new DicomClient().StoreAsync(_node.Peer, files);

        Assert.Equal(0xA700, results[0].Status.Code);
        Assert.True(results[1].Stored);
        Assert.Single(_node.Logger.Errors); // the handler's failure is logged as an error, once
    }

    [Fact]
    public async Task Logs_never_carry_patient_identifiers()
    {
        foreach (string file in SampleFiles.Files)
        {
            await new DicomClient().StoreFileAsync(_node.Peer, file);
        }

        Assert.DoesNotContain(_node.Logger.Entries, e => e.Message.Contains("Phantom^Synthetic", StringComparison.Ordinal) || e.Message.Contains("PHANTOM-", StringComparison.Ordinal));
    }
}

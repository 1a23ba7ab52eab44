using TbScreen.Dicom.Network.Pdus;
using TbScreen.Dicom.Network.Tests.Support;

namespace TbScreen.Dicom.Network.Tests.Listener;

/// <summary>Concurrency limit, data set cap, and a stop that lets associations in progress finish.</summary>
public sealed class ListenerLimitTests
{
    [Fact]
    public async Task Associations_over_the_limit_are_rejected_as_transient_local_limit_exceeded()
    {
        await using var node = await RunningListener.StartAsync(o => o with { MaxAssociations = 1 });
        await using (var holder = await RawPeer.ConnectAsync(node.Port))
        {
            await holder.AssociateAsync(Wire.Verification);

            var error = await Assert.ThrowsAsync<AssociationRejectedException>(() => new DicomClient().EchoAsync(node.Peer));
            Assert.Equal((AssociationRejectResult.Transient, AssociationRejectSource.ServiceProviderPresentation, AssociationRejectReason.LocalLimitExceeded),
                (error.Result, error.RejectSource, error.ReasonCode));

            await holder.SendAsync(Wire.Release());
            Assert.IsType<ReleaseResponsePdu>(await holder.ReadAsync());
        }

        await WaitUntilAsync(() => node.Listener.ActiveAssociations == 0);
        await node.AssertStillServesAsync();
    }

    [Fact]
    public async Task A_data_set_over_the_cap_is_refused_with_out_of_resources()
    {
        await using var node = await RunningListener.StartAsync(o => o with { MaxDataSetBytes = 1000 });
        await using var peer = await RawPeer.ConnectAsync(node.Port);
        await peer.AssociateAsync(Wire.ComputedRadiography);
        var (dataSet, uid) = Wire.SmallRadiograph();

        await peer.SendAsync(Wire.Store(3, DicomUids.ComputedRadiographyImageStorage, uid, dataSet));

        var response = await Wire.ReadResponseAsync(peer);
        Assert.Equal((ushort)0xA700, response.Status);
        Assert.Empty(node.Handler.Received);
        await node.AssertStillServesAsync();
    }

    [Fact]
    public async Task Stop_waits_for_the_association_in_progress_and_refuses_new_connections()
    {
        var node = await RunningListener.StartAsync();
        var peerEndPoint = node.Peer;
        await using var peer = await RawPeer.ConnectAsync(node.Port);
        await peer.AssociateAsync(Wire.Verification);

        var stopping = node.Listener.StopAsync();
        await Task.Delay(200);
        Assert.False(stopping.IsCompleted);
        await Assert.ThrowsAnyAsync<DicomNetworkException>(() => new DicomClient(new DicomClientOptions { ConnectTimeout = TimeSpan.FromSeconds(2) }).EchoAsync(peerEndPoint));

        // The association still works until its peer releases it.
        await peer.SendAsync(Wire.Echo());
        Assert.Equal((ushort)0, (await Wire.ReadResponseAsync(peer)).Status);
        await peer.SendAsync(Wire.Release());
        Assert.IsType<ReleaseResponsePdu>(await peer.ReadAsync());
        await peer.DisposeAsync();
        await stopping.WaitAsync(TimeSpan.FromSeconds(15));
        Assert.Empty(node.Logger.Errors);
    }

    [Fact]
    public async Task Stop_with_a_cancelled_token_aborts_what_is_still_running()
    {
        var node = await RunningListener.StartAsync();
        await using var peer = await RawPeer.ConnectAsync(node.Port);
        await peer.AssociateAsync(Wire.Verification);

        using var now = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));
        await node.Listener.StopAsync(now.Token).WaitAsync(TimeSpan.FromSeconds(15));

        Assert.IsType<AbortPdu>(await peer.ReadAsync());
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        for (int i = 0; i < 200 && !condition(); i++)
        {
            await Task.Delay(50);
        }

        Assert.True(condition());
    }
}

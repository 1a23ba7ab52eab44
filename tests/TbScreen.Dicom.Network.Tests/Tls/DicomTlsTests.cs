using System.Globalization;
using Microsoft.Extensions.Logging;
using TbScreen.Dicom.Network.Tests.Support;

namespace TbScreen.Dicom.Network.Tests.Tls;

/// <summary>
/// DICOM over TLS (PS3.15 B.1, BCP 195) with dcmtk's TLS build as the real peer: echoscu and storescu reach our
/// listener over mutual TLS, a plain or untrusted client is closed without an association while the node keeps
/// serving, and our client stores into dcmtk's storescp over TLS and refuses a server it does not trust.
/// </summary>
public sealed class DicomTlsTests : IAsyncLifetime
{
    private readonly TestCertificates _pki = new();
    private RunningListener _node = null!;

    private string Port => _node.Port.ToString(CultureInfo.InvariantCulture);

    public async Task InitializeAsync() => _node = await RunningListener.StartAsync(o => o with { Tls = _pki.Server(), ArtimTimeout = TimeSpan.FromSeconds(5) });

    public async Task DisposeAsync()
    {
        await _node.DisposeAsync();
        _pki.Dispose();
    }

    [SkippableFact]
    public void Echoscu_and_storescu_associate_over_mutual_TLS()
    {
        Support.Dcmtk.Require();
        string[] tls = ["+tls", _pki.ClientKeyPath, _pki.ClientCertificatePath, "+cf", _pki.CaPath];

        var (echo, echoOutput) = Support.Dcmtk.Run("echoscu", ["-v", "-aet", "ECHOSCU", "-aec", "TBSCREEN", .. tls, "localhost", Port]);
        string sample = SampleFiles.PathOf("phantom-explicit-le-mono2.dcm");
        var (store, storeOutput) = Support.Dcmtk.Run("storescu", ["-aet", "STORESCU", "-aec", "TBSCREEN", .. tls, "localhost", Port, sample]);

        Assert.True(echo == 0, echoOutput);
        Assert.Contains("Received Echo Response (Success)", echoOutput);
        Assert.True(store == 0, storeOutput);
        var original = new DicomReader().Read(sample);
        var received = _node.Handler.Single(original.Dataset.GetString(DicomTag.SopInstanceUid)!);
        DataSetComparison.AssertSameContent(original.Dataset, received.DataSet);
        Assert.Empty(_node.Logger.Errors);
    }

    [SkippableFact]
    public async Task A_plain_or_untrusted_client_gets_no_association_and_the_node_keeps_serving()
    {
        Support.Dcmtk.Require();

        var (plain, plainOutput) = Support.Dcmtk.Run("echoscu", "-aet", "ECHOSCU", "-aec", "TBSCREEN", "localhost", Port);
        var (anonymous, anonymousOutput) = Support.Dcmtk.Run("echoscu", "-aet", "ECHOSCU", "-aec", "TBSCREEN", "+tla", "+cf", _pki.CaPath, "localhost", Port);
        var (stranger, strangerOutput) = Support.Dcmtk.Run("echoscu", "-aet", "ECHOSCU", "-aec", "TBSCREEN", "+tls", _pki.StrangerKeyPath, _pki.StrangerCertificatePath, "+cf", _pki.CaPath, "localhost", Port);

        Assert.True(plain != 0, plainOutput);
        Assert.True(anonymous != 0, anonymousOutput);
        Assert.True(stranger != 0, strangerOutput);
        Assert.Empty(_node.Handler.Received);
        await WaitForAsync(() => _node.Logger.Entries.Count(e => e.Level == LogLevel.Warning && e.Message.Contains("TLS handshake failed", StringComparison.Ordinal)) >= 3);

        // Our own client with the trusted certificate still gets its C-ECHO answered.
        await new DicomClient(new DicomClientOptions { CallingAeTitle = "CHECKER", Tls = _pki.Client() }).EchoAsync(new DicomPeer("TBSCREEN", "localhost", _node.Port));
        Assert.Empty(_node.Logger.Errors);
    }

    [SkippableFact]
    public async Task Our_client_stores_into_storescp_over_TLS_and_refuses_a_server_it_does_not_trust()
    {
        Support.Dcmtk.Require();
        string folder = Directory.CreateTempSubdirectory("tbscreen-tls-scp-").FullName;
        try
        {
            using var storescp = await Support.Dcmtk.StartStoreScpAsync("TBSTORE", folder,
                "+tls", _pki.ServerKeyPath, _pki.ServerCertificatePath, "+cf", _pki.CaPath, "-rc");
            string sample = SampleFiles.PathOf("phantom-explicit-le-mono2.dcm");
            var peer = new DicomPeer("TBSTORE", "localhost", storescp.Port);

            var stored = await new DicomClient(new DicomClientOptions { Tls = _pki.Client() }).StoreAsync(peer, [(sample, File.ReadAllBytes(sample))]);
            var untrusting = new DicomClient(new DicomClientOptions { Tls = _pki.Client() with { TrustedServerCertificatesPath = _pki.OtherCaPath } });
            var refused = await Assert.ThrowsAnyAsync<DicomNetworkException>(() => untrusting.EchoAsync(peer));

            Assert.True(stored.Single().Stored, stored.Single().Status.ToString());
            Assert.Single(Directory.GetFiles(folder));
            Assert.Equal(peer.ToString(), refused.Peer);
            Assert.StartsWith("TLS handshake failed", refused.Reason, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task Our_client_and_listener_speak_TLS_and_a_missing_certificate_file_is_named_at_start()
    {
        var stored = await new DicomClient(new DicomClientOptions { Tls = _pki.Client() })
            .StoreAsync(new DicomPeer("TBSCREEN", "127.0.0.1", _node.Port), [("a", File.ReadAllBytes(SampleFiles.PathOf("phantom-jpeg-ls.dcm")))]);
        Assert.True(stored.Single().Stored);

        // A plain client to the TLS port is closed without an association.
        await Assert.ThrowsAnyAsync<DicomNetworkException>(() =>
            new DicomClient(new DicomClientOptions { AssociationTimeout = TimeSpan.FromSeconds(5) }).EchoAsync(new DicomPeer("TBSCREEN", "127.0.0.1", _node.Port)));

        string missing = Path.Combine(Path.GetTempPath(), "no-such-" + Guid.NewGuid().ToString("N") + ".crt");
        var e = Assert.Throws<ArgumentException>(() => new DicomListener(
            new DicomListenerOptions { Port = 0, Tls = _pki.Server() with { CertificatePath = missing } }, new RecordingStoreHandler()));
        Assert.Contains(missing, e.Message, StringComparison.Ordinal);
    }

    private static async Task WaitForAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "the listener did not log the refused handshakes");
            await Task.Delay(50);
        }
    }
}

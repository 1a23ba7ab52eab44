using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using TbScreen.Dicom.Network.Tests.Support;
using TbScreen.Screening.Persistence;
using TbScreen.Web.Identity;
using TbScreen.Web.Tests.Infrastructure;

namespace TbScreen.Web.Tests;

/// <summary>
/// The web host with TbScreen:Dicom:Port set: an image sent by storescu lands in the worklist's store, its SR and
/// heatmap capture reach the PACS (storescp), and the PACS page shows them as sent. Off without the setting.
/// </summary>
public sealed class PacsNodeTests
{
    [SkippableFact]
    public async Task An_image_sent_to_the_host_is_screened_and_its_results_reach_the_pacs_page()
    {
        Dcmtk.Require();
        string root = Path.Combine(Path.GetTempPath(), "tbscreen-web-tests", Guid.NewGuid().ToString("N"));
        using var pacs = await Dcmtk.StartStoreScpAsync("PACS", Path.Combine(root, "pacs"), "+xa");
        int port = FreePort();
        using var host = new TbScreenApiFactory(root, settings: new Dictionary<string, string?>
        {
            ["TbScreen:Dicom:Port"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["TbScreen:Dicom:ForwardResults"] = $"PACS@127.0.0.1:{pacs.Port}",
        });
        using var admin = await host.ClientAsAsync(Roles.Admin);
        await WaitForListenerAsync(port);

        await SendPhantomAsync(root, port);

        var outbox = host.Services.GetRequiredService<DicomOutboxStore>();
        var sent = await WaitForSentAsync(outbox, 2, TimeSpan.FromMinutes(2));

        Assert.Equal(["sc", "sr"], sent.Select(d => d.Kind).Order(StringComparer.Ordinal));
        Assert.Equal(2, Directory.GetFiles(Path.Combine(root, "pacs")).Length);
        var result = Assert.Single(await host.Services.GetRequiredService<IScreeningStore>().RecentResultsAsync(10));
        Assert.Equal(result.ResultId, sent[0].ResultId);

        string page = await admin.GetStringAsync("/admin/pacs");
        Assert.Contains($"TBSCREEN on 127.0.0.1:{port}", page);
        Assert.Contains("C-FIND and C-GET for those callers; C-MOVE refused (no destinations configured)", page);
        Assert.Equal(2, page.Split("sent 20").Length - 1);

        // A radiologist's review sends PACS a third object: the report again, VERIFIED, naming the reviewer.
        using var radiologist = await host.ClientAsAsync(Roles.Radiologist);
        var review = await radiologist.PostAsJsonAsync($"/api/screenings/{result.ResultId}/reviews", new { finalLabel = result.Outcome.Decision });
        Assert.Equal(HttpStatusCode.Created, review.StatusCode);
        await WaitForSentAsync(outbox, 3, TimeSpan.FromMinutes(1));

        string verified = Directory.GetFiles(Path.Combine(root, "pacs"), "SR*").Select(f => Dcmtk.Run("dsrdump", f).Output).Single(t => t.Contains("VERIFIED") && !t.Contains("UNVERIFIED"));
        Assert.Contains("Verifying Observers", verified);
    }

    /// <summary>
    /// TbScreen:Dicom:StorageCommitment with Orthanc as the archive: the host asks Orthanc to commit to the SR and
    /// capture it sent, Orthanc reports back to the host's listener, and the PACS page shows both committed.
    /// </summary>
    [SkippableFact]
    public async Task With_storage_commitment_orthanc_commits_to_the_results_and_the_page_says_so()
    {
        Dcmtk.Require();
        string root = Path.Combine(Path.GetTempPath(), "tbscreen-web-tests", Guid.NewGuid().ToString("N"));
        int port = FreePort();
        using var orthanc = new TbScreen.Cli.Tests.Pacs.OrthancServer("TBSCREEN", port);
        Skip.If(orthanc.SkipReason is not null, orthanc.SkipReason);
        using var host = new TbScreenApiFactory(root, settings: new Dictionary<string, string?>
        {
            ["TbScreen:Dicom:Port"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["TbScreen:Dicom:ForwardResults"] = $"ORTHANC@127.0.0.1:{orthanc.DicomPort}",
            ["TbScreen:Dicom:StorageCommitment"] = "true",
        });
        using var admin = await host.ClientAsAsync(Roles.Admin);
        await WaitForListenerAsync(port);

        await SendPhantomAsync(root, port);

        var outbox = host.Services.GetRequiredService<DicomOutboxStore>();
        var clock = Stopwatch.StartNew();
        IReadOnlyList<DicomDeliveryInfo> rows;
        while ((rows = await outbox.RecentAsync(10)).Count < 2 || !rows.All(r => r.IsCommitted))
        {
            Assert.True(clock.Elapsed < TimeSpan.FromMinutes(2), "not committed: " + string.Join(", ", rows.Select(r => $"{r.Kind} {r.Status} {r.LastError}")));
            await Task.Delay(200);
        }

        string page = await admin.GetStringAsync("/admin/pacs");
        Assert.Contains("with Storage Commitment", page);
        Assert.Equal(2, page.Split(", committed 20").Length - 1);
    }

    /// <summary>TbScreen:Dicom:Tls and ForwardTls: the modality and the PACS (dcmtk's TLS build) both over mutual TLS.</summary>
    [SkippableFact]
    public async Task Over_TLS_an_image_is_received_and_its_results_reach_a_TLS_pacs()
    {
        Dcmtk.Require();
        using var pki = new TestCertificates();
        string root = Path.Combine(Path.GetTempPath(), "tbscreen-web-tests", Guid.NewGuid().ToString("N"));
        using var pacs = await Dcmtk.StartStoreScpAsync("PACS", Path.Combine(root, "pacs"), "+xa", "+tls", pki.ServerKeyPath, pki.ServerCertificatePath, "+cf", pki.CaPath);
        int port = FreePort();
        using var host = new TbScreenApiFactory(root, settings: new Dictionary<string, string?>
        {
            ["TbScreen:Dicom:Port"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["TbScreen:Dicom:ForwardResults"] = $"PACS@localhost:{pacs.Port}",
            ["TbScreen:Dicom:Tls:Certificate"] = pki.ServerCertificatePath,
            ["TbScreen:Dicom:Tls:PrivateKey"] = pki.ServerKeyPath,
            ["TbScreen:Dicom:Tls:TrustedClientCertificates"] = pki.CaPath,
            ["TbScreen:Dicom:ForwardTls:TrustedServerCertificates"] = pki.CaPath,
            ["TbScreen:Dicom:ForwardTls:Certificate"] = pki.ClientCertificatePath,
            ["TbScreen:Dicom:ForwardTls:PrivateKey"] = pki.ClientKeyPath,
        });
        using var admin = await host.ClientAsAsync(Roles.Admin);
        await WaitForListenerAsync(port);

        string file = Path.Combine(root, "cxr.dcm");
        await File.WriteAllBytesAsync(file, TestRadiographs.Phantom(TestRadiographs.NewSeed()));
        var (code, output) = Dcmtk.Run("storescu", "-aet", "CR_ROOM", "-aec", "TBSCREEN", "+tls", pki.ClientKeyPath, pki.ClientCertificatePath, "+cf", pki.CaPath,
            "localhost", port.ToString(System.Globalization.CultureInfo.InvariantCulture), file);
        Assert.True(code == 0, output);

        await WaitForSentAsync(host.Services.GetRequiredService<DicomOutboxStore>(), 2, TimeSpan.FromMinutes(2));

        Assert.Equal(2, Directory.GetFiles(Path.Combine(root, "pacs")).Length);
    }

    private static async Task<IReadOnlyList<DicomDeliveryInfo>> WaitForSentAsync(DicomOutboxStore outbox, int count, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        IReadOnlyList<DicomDeliveryInfo> sent;
        while ((sent = await outbox.RecentAsync(10)).Count(d => d.IsSent) < count)
        {
            Assert.True(clock.Elapsed < timeout, $"deliveries: {string.Join(", ", sent.Select(d => $"{d.Kind} {d.Status} {d.LastError}"))}");
            await Task.Delay(100);
        }

        return sent;
    }

    [Fact]
    public async Task Without_a_port_there_is_no_node_and_the_page_says_how_to_turn_it_on()
    {
        using var host = new TbScreenApiFactory();
        using var admin = await host.ClientAsAsync(Roles.Admin);
        string page = await admin.GetStringAsync("/admin/pacs");
        Assert.Contains("Set TbScreen:Dicom:Port", page);
        using var radiologist = await host.ClientAsAsync(Roles.Radiologist);
        var denied = await radiologist.GetAsync("/admin/pacs");
        Assert.DoesNotContain("deliveries to PACS", await denied.Content.ReadAsStringAsync());
    }

    /// <summary>A fresh phantom radiograph from storescu, as a CR room would send it.</summary>
    private static async Task SendPhantomAsync(string root, int port)
    {
        string file = Path.Combine(root, "cxr.dcm");
        await File.WriteAllBytesAsync(file, TestRadiographs.Phantom(TestRadiographs.NewSeed()));
        var (code, output) = Dcmtk.Run("storescu", "-aet", "CR_ROOM", "-aec", "TBSCREEN", "127.0.0.1", port.ToString(System.Globalization.CultureInfo.InvariantCulture), file);
        Assert.True(code == 0, output);
    }

    private static async Task WaitForListenerAsync(int port)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            using var probe = new TcpClient();
            try
            {
                await probe.ConnectAsync(IPAddress.Loopback, port);
                return;
            }
            catch (SocketException) when (clock.Elapsed < TimeSpan.FromSeconds(60))
            {
                await Task.Delay(100);
            }
        }
    }

    private static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}

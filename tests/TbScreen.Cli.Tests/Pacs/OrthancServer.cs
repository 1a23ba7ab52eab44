using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;

namespace TbScreen.Cli.Tests.Pacs;

/// <summary>
/// Orthanc 1.10 (Debian's orthanc and orthanc-dicomweb) as a throwaway PACS: its own configuration, storage and
/// ports in a temp folder, HTTP on loopback only, the DICOMweb plugin on, and TbScreen registered as a modality.
/// Missing, the tests skip naming the packages; under CI=true they fail.
/// </summary>
public sealed class OrthancServer : IDisposable
{
    private const string Plugin = "/usr/share/orthanc/plugins/libOrthancDicomWeb.so";
    private readonly Process? _process;
    private readonly string _root = "";

    /// <param name="dicomWebServers">DICOMweb servers Orthanc may call (its DicomWeb.Servers), by name.</param>
    /// <param name="settings">More configuration entries (e.g. DICOM TLS), added to or replacing the defaults.</param>
    public OrthancServer(string modalityAe, int modalityPort, IReadOnlyDictionary<string, object>? dicomWebServers = null, IReadOnlyDictionary<string, object>? settings = null)
    {
        if (!File.Exists("/usr/sbin/Orthanc") || !File.Exists(Plugin))
        {
            SkipReason = "Orthanc not found: install the orthanc and orthanc-dicomweb packages (.ci/run does)";
            Assert.False(Environment.GetEnvironmentVariable("CI") == "true", SkipReason);
            return;
        }

        _root = Directory.CreateTempSubdirectory("tbscreen-orthanc").FullName;
        HttpPort = FreePort();
        DicomPort = FreePort();
        string config = Path.Combine(_root, "orthanc.json");
        var configuration = new Dictionary<string, object>
        {
            ["Name"] = "tbscreen-test",
            ["StorageDirectory"] = Path.Combine(_root, "storage"),
            ["IndexDirectory"] = Path.Combine(_root, "storage"),
            ["HttpPort"] = HttpPort,
            ["DicomPort"] = DicomPort,
            ["DicomAet"] = "ORTHANC",
            ["RemoteAccessAllowed"] = false,
            ["AuthenticationEnabled"] = false,
            ["DicomCheckCalledAet"] = false,
            ["Plugins"] = new[] { Plugin },
            ["DicomWeb"] = new Dictionary<string, object> { ["Enable"] = true, ["Root"] = "/dicom-web/", ["Servers"] = dicomWebServers ?? new Dictionary<string, object>() },
            ["DicomModalities"] = new Dictionary<string, object> { ["tbscreen"] = new object[] { modalityAe, "127.0.0.1", modalityPort } },
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, object>())
        {
            configuration[key] = value;
        }

        File.WriteAllText(config, JsonSerializer.Serialize(configuration));
        var info = new ProcessStartInfo("/usr/sbin/Orthanc") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false, WorkingDirectory = _root };
        info.ArgumentList.Add(config);
        _process = Process.Start(info) ?? throw new InvalidOperationException("cannot start Orthanc");
        _process.BeginErrorReadLine();
        _process.BeginOutputReadLine();
        Http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{HttpPort}/") };
        var clock = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                if (Http.GetAsync("system").GetAwaiter().GetResult().IsSuccessStatusCode)
                {
                    break;
                }
            }
            catch (HttpRequestException)
            {
                // Not up yet.
            }

            if (_process.HasExited || clock.Elapsed > TimeSpan.FromSeconds(60))
            {
                throw new InvalidOperationException("Orthanc did not answer on its HTTP port within 60 s");
            }

            Thread.Sleep(100);
        }
    }

    public string? SkipReason { get; }

    public int HttpPort { get; }

    public int DicomPort { get; }

    public HttpClient Http { get; } = new();

    public void Dispose()
    {
        Http.Dispose();
        if (_process is { HasExited: false })
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }

        _process?.Dispose();
        if (_root.Length > 0 && Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
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

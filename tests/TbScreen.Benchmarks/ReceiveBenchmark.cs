using System.Diagnostics;
using System.Globalization;
using System.Net;
using Microsoft.Extensions.Logging.Abstractions;
using TbScreen.Dicom;
using TbScreen.Dicom.Network;
using TbScreen.Dicom.Samples;
using TbScreen.Dicom.Writing;
using TbScreen.Pacs;
using TbScreen.Screening.Persistence;
using TbScreen.Screening.Storage;

/// <summary>
/// C-STORE receive (`receive`): dcmtk's storescu sends the same N full-size radiographs to dcmtk's storescp writing to
/// disk, and to our DICOM node's receiving end (listener + content store + database item, no screening), alternating,
/// in one run. Receiving must be far faster than screening, so it is never the node's bottleneck.
/// </summary>
internal static class ReceiveBenchmark
{
    public static int Run(int count, int runs, int rows, int columns)
    {
        if (!File.Exists("/usr/bin/storescu") || !File.Exists("/usr/bin/storescp"))
        {
            Console.Error.WriteLine("receive needs dcmtk (apt-get install dcmtk)");
            return 2;
        }

        string work = Directory.CreateTempSubdirectory("tbscreen-receive-bench").FullName;
        string folder = FullSizeRadiographs.Write(Path.Combine(work, "dicom"), count, rows, columns, firstSeed: 5000);
        string[] files = Directory.GetFiles(folder).Order(StringComparer.Ordinal).ToArray();
        double megabytes = files.Sum(f => new FileInfo(f).Length) / 1e6;
        Console.WriteLine($"# C-STORE receive benchmark, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores, {count} files of {rows}x{columns} (16-bit, {megabytes / count:F1} MB each), storescu over loopback, median of {runs} runs");
        Console.WriteLine();
        var ours = new List<double>();
        var theirs = new List<double>();
        for (int run = 0; run < runs; run++)
        {
            theirs.Add(StoreScp(files, Path.Combine(work, $"storescp-{run}")));
            ours.Add(Ours(files, Path.Combine(work, $"ours-{run}")).GetAwaiter().GetResult());
        }

        double scp = theirs.Order().ElementAt(runs / 2), node = ours.Order().ElementAt(runs / 2);
        Console.WriteLine("| receiver | files/s | MB/s | seconds | time ratio to storescp |");
        Console.WriteLine("|---|---:|---:|---:|---:|");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| dcmtk `storescp -od DIR` (files to disk) | {count / scp:F1} | {megabytes / scp:F0} | {scp:F2} | 1.00 |"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| TbScreen node receiving (content store + SQLite item before each answer) | {count / node:F1} | {megabytes / node:F0} | {node:F2} | {node / scp:F2} |"));
        Directory.Delete(work, recursive: true);
        return 0;
    }

    private static double StoreScp(string[] files, string output)
    {
        Directory.CreateDirectory(output);
        int port = FreePort();
        using var scp = Process.Start(Info("storescp", ["-aet", "STORESCP", "-od", output, port.ToString(CultureInfo.InvariantCulture)]))!;
        WaitForPort(port);
        try
        {
            return Send("STORESCP", port, files);
        }
        finally
        {
            scp.Kill(entireProcessTree: true);
            scp.WaitForExit();
        }
    }

    private static async Task<double> Ours(string[] files, string root)
    {
        Directory.CreateDirectory(root);
        var contexts = new ScreeningDbContextFactory(new PersistenceOptions { ConnectionString = Path.Combine(root, "node.db") });
        contexts.Migrate();
        var received = new ReceivedInstances(new EfScreeningStore(contexts), new ContentStore(Path.Combine(root, "store")), NullLogger.Instance);
        await received.JobIdAsync(CancellationToken.None);
        await using var listener = new DicomListener(new DicomListenerOptions { AeTitle = "TBSCREEN", Port = 0 }, received);
        await listener.StartAsync();
        double seconds = Send("TBSCREEN", listener.LocalEndPoint.Port, files);
        await listener.StopAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        return seconds;
    }

    /// <summary>One storescu association carrying every file; seconds from start to exit.</summary>
    private static double Send(string calledAe, int port, string[] files)
    {
        var clock = Stopwatch.StartNew();
        using var scu = Process.Start(Info("storescu", ["-aet", "BENCH", "-aec", calledAe, "127.0.0.1", port.ToString(CultureInfo.InvariantCulture), .. files]))!;
        string errors = scu.StandardError.ReadToEnd();
        scu.WaitForExit();
        double seconds = clock.Elapsed.TotalSeconds;
        return scu.ExitCode == 0 ? seconds : throw new InvalidOperationException($"storescu exited {scu.ExitCode}: {errors}");
    }

    private static ProcessStartInfo Info(string tool, IEnumerable<string> args)
    {
        var info = new ProcessStartInfo(Path.Combine("/usr/bin", tool)) { RedirectStandardError = true, RedirectStandardOutput = false, UseShellExecute = false };
        foreach (string arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        return info;
    }

    private static void WaitForPort(int port)
    {
        for (int i = 0; i < 200; i++)
        {
            try
            {
                using var probe = new System.Net.Sockets.TcpClient();
                probe.Connect(IPAddress.Loopback, port);
                return;
            }
            catch (System.Net.Sockets.SocketException)
            {
                Thread.Sleep(50);
            }
        }

        throw new TimeoutException($"nothing listens on {port}");
    }

    private static int FreePort()
    {
        var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}

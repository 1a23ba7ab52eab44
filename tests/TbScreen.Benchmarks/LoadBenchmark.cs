using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Runtime.InteropServices;
using System.Text.Json;
using TbScreen.Cli.Commands;
using TbScreen.Dicom;

/// <summary>
/// Concurrent uploads against a running TbScreen.Web on loopback: signs in through POST /api/auth/login, then
/// `concurrency` workers POST `requests` distinct DICOM phantoms (each its own SOP Instance UID, so every request
/// runs the full pipeline instead of returning a stored result) to /api/screenings. Bounded: a fixed number of
/// requests, never a soak. Prints p50/p95/max latency, throughput and errors as a Markdown table.
/// </summary>
internal static class LoadBenchmark
{
    public sealed record Options(Uri BaseUrl, string User, string Password, int Concurrency, int Requests, int Warmup, string Server);

    public static async Task<int> RunAsync(Options options)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Concurrency, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Requests, 1);

        var files = Enumerable.Range(0, options.Requests + options.Warmup).Select(UniqueDicom).ToArray();
        using var handler = new HttpClientHandler { CookieContainer = new CookieContainer(), UseCookies = true };
        using var client = new HttpClient(handler) { BaseAddress = options.BaseUrl, Timeout = TimeSpan.FromMinutes(5) };
        client.DefaultRequestHeaders.Add("X-TbScreen-Client", "load-benchmark");

        using (var login = await client.PostAsJsonAsync("/api/auth/login", new { userName = options.User, password = options.Password }))
        {
            if (!login.IsSuccessStatusCode)
            {
                Console.Error.WriteLine($"load: sign-in as {options.User} at {options.BaseUrl} failed: {(int)login.StatusCode} {await login.Content.ReadAsStringAsync()}");
                return 2;
            }
        }

        // Warm-up (not counted): model sessions, JIT and the first database writes are start-up costs.
        for (int i = 0; i < options.Warmup; i++)
        {
            await UploadAsync(client, files[options.Requests + i], $"warmup-{i}.dcm");
        }

        var results = new Sample[options.Requests];
        int next = -1;
        var wall = Stopwatch.StartNew();
        var workers = Enumerable.Range(0, options.Concurrency).Select(async _ =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < options.Requests)
            {
                results[i] = await UploadAsync(client, files[i], $"load-{i:0000}.dcm");
            }
        });
        await Task.WhenAll(workers);
        wall.Stop();

        Report(options, results, wall.Elapsed, files[0].Length);
        return results.Any(r => !r.Ok) ? 1 : 0;
    }

    private readonly record struct Sample(double Milliseconds, int StatusCode, bool Ok, string? Error);

    private static async Task<Sample> UploadAsync(HttpClient client, byte[] file, string name)
    {
        using var form = new MultipartFormDataContent();
        var content = new ByteArrayContent(file);
        content.Headers.ContentType = new("application/dicom");
        form.Add(content, "file", name);
        var clock = Stopwatch.StartNew();
        try
        {
            using var response = await client.PostAsync("/api/screenings", form);
            string body = await response.Content.ReadAsStringAsync();
            clock.Stop();
            if (response.StatusCode != HttpStatusCode.Created)
            {
                return new(clock.Elapsed.TotalMilliseconds, (int)response.StatusCode, false, $"{(int)response.StatusCode}: {Truncate(body)}");
            }

            // A 201 must carry a screened result: status ok and a decision, else it counts as an error too.
            using var json = JsonDocument.Parse(body);
            bool screened = json.RootElement.TryGetProperty("status", out var s) && s.GetString() == "ok"
                && json.RootElement.TryGetProperty("decision", out var d) && d.ValueKind == JsonValueKind.String;
            return new(clock.Elapsed.TotalMilliseconds, 201, screened, screened ? null : $"201 without a screened result: {Truncate(body)}");
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or JsonException)
        {
            return new(clock.Elapsed.TotalMilliseconds, 0, false, ex.GetType().Name + ": " + ex.Message);
        }
    }

    /// <summary>The shipped explicit-LE sample's phantom with a fresh seed: new pixels noise and a new SOP Instance UID.</summary>
    private static byte[] UniqueDicom(int index)
    {
        var sample = SampleCatalogue.All.First(s => s.TransferSyntaxUid == TransferSyntax.ExplicitVrLittleEndianUid);
        return (sample with { Spec = sample.Spec with { Seed = 100_000 + index } }).Build();
    }

    private static void Report(Options options, Sample[] results, TimeSpan wall, int fileBytes)
    {
        var latencies = results.Select(r => r.Milliseconds).Order().ToArray();
        int errors = results.Count(r => !r.Ok);
        Console.WriteLine($"# Load test, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC");
        Console.WriteLine($"machine: {Environment.ProcessorCount} cores, {RuntimeInformation.OSDescription}, {RuntimeInformation.ProcessArchitecture}, .NET {Environment.Version}, CPU: {CpuModel()}");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"target: {options.BaseUrl}, {options.Server}; POST /api/screenings, {fileBytes / 1024.0:F0} KiB DICOM each, distinct SOP Instance UIDs; {options.Warmup} warm-up request(s) not counted; load average before: {LoadAverage()}"));
        Console.WriteLine();
        Console.WriteLine("| concurrency | requests | errors | p50 ms | p95 ms | max ms | throughput req/s | wall s |");
        Console.WriteLine("|---:|---:|---:|---:|---:|---:|---:|---:|");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {options.Concurrency} | {results.Length} | {errors} | {Percentile(latencies, 0.50):F0} | {Percentile(latencies, 0.95):F0} | {latencies[^1]:F0} | {results.Length / wall.TotalSeconds:F2} | {wall.TotalSeconds:F1} |"));
        foreach (var group in results.Where(r => !r.Ok).GroupBy(r => r.Error).Take(5))
        {
            Console.WriteLine($"error x{group.Count()}: {group.Key}");
        }
    }

    /// <summary>Nearest-rank percentile of sorted values.</summary>
    internal static double Percentile(double[] sorted, double p)
    {
        int rank = (int)Math.Ceiling(p * sorted.Length);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Length - 1)];
    }

    private static string Truncate(string text) => text.Length <= 200 ? text : text[..200] + "…";

    private static string LoadAverage()
    {
        try
        {
            return string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
        }
        catch (IOException)
        {
            return "unknown";
        }
    }

    private static string CpuModel()
    {
        try
        {
            return File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "unknown";
        }
        catch (IOException)
        {
            return "unknown";
        }
    }
}

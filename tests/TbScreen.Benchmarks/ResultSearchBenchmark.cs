using System.Diagnostics;
using Microsoft.Data.Sqlite;
using TbScreen.Dicom;
using TbScreen.Dicom.Querying;
using TbScreen.Dicom.Writing;
using TbScreen.Pacs;
using TbScreen.Screening;
using TbScreen.Screening.Persistence;
using TbScreen.Screening.Storage;

/// <summary>
/// The result search behind C-FIND and QIDO-RS (`result-search`): a full window of result objects (5,000 heatmap
/// captures, RGB, in an encrypted content store), searched cold (every header read and decrypted), warm (every header
/// cached), and right after one more object arrives (the window moves by one). The last is what every search costs
/// on a busy node; before the cache dropped only its oldest header it cost a cold search.
/// </summary>
internal static class ResultSearchBenchmark
{
    public static async Task<int> RunAsync(int rows, int columns, int runs)
    {
        string work = Directory.CreateTempSubdirectory("tbscreen-search-bench").FullName;
        try
        {
            var contexts = new ScreeningDbContextFactory(new PersistenceOptions { ConnectionString = Path.Combine(work, "db.sqlite") });
            contexts.Migrate();
            var store = new EfScreeningStore(contexts);
            string storeRoot = Path.Combine(work, "store");
            var content = new ContentStore(storeRoot, new ContentCipher(ContentKeyRing.OpenOrCreate(storeRoot, MasterKey.LoadOrCreate(Path.Combine(work, "master.key")))));
            var outbox = new DicomOutboxStore(contexts);
            long resultId = (await store.SaveOutcomeAsync(new ScreeningOutcome { Source = "bench", Status = ScreeningStatus.Ok, ContentSha256 = new string('0', 64), ModelVersion = "bench" })).ResultId;
            int objects = ResultStudies.MaxObjects;
            var clock = Stopwatch.StartNew();
            for (int first = 0; first < objects; first += 500)
            {
                await outbox.AddAsync(Enumerable.Range(first, Math.Min(500, objects - first)).Select(i => Capture(content, resultId, i, rows, columns)).ToList());
            }

            double megabytes = Directory.GetFiles(storeRoot, "*", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length) / 1e6;
            Console.WriteLine($"# Result search benchmark, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores, {objects} captures of {rows}x{columns} RGB "
                + $"({megabytes:F0} MB sealed store, built in {clock.Elapsed.TotalSeconds:F0} s), study-level search of the whole window, median of {runs} runs");
            Console.WriteLine();
            var query = DicomQuery.FromIdentifier(new DicomDataset(), QueryLevel.Study);
            var cold = new List<double>();
            var warm = new List<double>();
            var moved = new List<double>();
            for (int run = 0; run < runs; run++)
            {
                var search = new ResultStudies(outbox, content);
                cold.Add(await TimeAsync(() => search.FindAsync(query, default)));
                warm.Add(await TimeAsync(() => search.FindAsync(query, default)));
                await outbox.AddAsync([Capture(content, resultId, objects + run, rows, columns)]);
                moved.Add(await TimeAsync(() => search.FindAsync(query, default)));
            }

            double coldMs = Timing.Quantile(cold, 0.5), warmMs = Timing.Quantile(warm, 0.5), movedMs = Timing.Quantile(moved, 0.5);
            Console.WriteLine("| search | ms (median) | cold / this |");
            Console.WriteLine("|---|---:|---:|");
            Console.WriteLine($"| cold: every header read and decrypted | {coldMs:F0} | 1.0 |");
            Console.WriteLine($"| warm: every header cached | {warmMs:F0} | {coldMs / warmMs:F1} |");
            Console.WriteLine($"| after one new object (window moved by one) | {movedMs:F0} | {coldMs / movedMs:F1} |");
            return 0;
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            Directory.Delete(work, recursive: true);
        }
    }

    private static async Task<double> TimeAsync(Func<Task> search)
    {
        var clock = Stopwatch.StartNew();
        await search();
        return clock.Elapsed.TotalMilliseconds;
    }

    /// <summary>A heatmap-capture-like Secondary Capture (patient, study, RGB pixels), stored sealed, as an outbox row kept here.</summary>
    private static NewDicomDelivery Capture(ContentStore content, long resultId, int index, int rows, int columns)
    {
        string study = $"2.25.{1000 + index / 2}", series = $"2.25.{900000 + index}", uid = $"2.25.{5000000 + index}";
        var pixels = new byte[rows * columns * 3];
        new Random(index).NextBytes(pixels);
        var dataSet = new DicomDataset()
            .AddString(DicomTag.SopClassUid, "UI", HeatmapCapture.SecondaryCaptureClassUid)
            .AddString(DicomTag.SopInstanceUid, "UI", uid)
            .AddString(DicomTag.StudyInstanceUid, "UI", study)
            .AddString(DicomTag.SeriesInstanceUid, "UI", series)
            .AddString(DicomTag.Modality, "CS", "OT")
            .AddString(DicomTag.PatientName, "PN", $"BENCH^{index / 2}")
            .AddString(DicomTag.PatientId, "LO", $"B{index / 2:D6}")
            .AddString(0x00080020, "DA", "20261207")
            .AddUInt16(DicomTag.SamplesPerPixel, 3)
            .AddString(DicomTag.PhotometricInterpretation, "CS", "RGB")
            .AddUInt16(DicomTag.PlanarConfiguration, 0)
            .AddUInt16(DicomTag.Rows, (ushort)rows)
            .AddUInt16(DicomTag.Columns, (ushort)columns)
            .AddUInt16(DicomTag.BitsAllocated, 8)
            .AddUInt16(DicomTag.BitsStored, 8)
            .AddUInt16(DicomTag.HighBit, 7)
            .AddUInt16(DicomTag.PixelRepresentation, 0)
            .AddBytes(DicomTag.PixelData, "OB", pixels);
        string sha = content.Put(DicomWriter.Write(dataSet, TransferSyntax.ExplicitVrLittleEndianUid));
        return new NewDicomDelivery(resultId, "sc", "", uid, sha) { Send = false, StudyInstanceUid = study, SeriesInstanceUid = series };
    }
}

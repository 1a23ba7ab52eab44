using TbScreen.Dicom.Codecs.Jpeg;
using TbScreen.Dicom.Codecs.Rle;
using TbScreen.Dicom.Pixels;
using TbScreen.Dicom.Samples;
using TbScreen.Dicom.Tests.Fixtures;
using TbScreen.Dicom.Writing;
using TbScreen.Imaging;
using Xunit.Abstractions;

namespace TbScreen.Dicom.Tests.Fuzzing;

/// <summary>
/// A seeded mutation fuzzer over files in every transfer syntax: at least 10,000 mutated or truncated
/// files go through parse, pixel decode, radiograph building and the preprocessing pipeline. The only
/// exception allowed is our typed <see cref="DicomException"/>, and no file may cost much more than a clean one.
/// The cost is counted in bytes allocated, not milliseconds, so a loaded CI machine cannot make the guard flaky.
/// </summary>
public sealed class MutationFuzzTests(ITestOutputHelper output)
{
    private const int MutationsPerSeedFile = 2000;
    // Per mutated file: a multiple of what the clean seed file costs, plus room for an exception and its message.
    // A parser that trusted a damaged length or geometry (a 65535x65535 frame, a deflate bomb) allocates far more.
    private const int BudgetFactor = 8;
    private const long BudgetSlack = 256 * 1024;

    private static IReadOnlyList<(string Name, byte[] Bytes)> SeedFiles()
    {
        var spec = new SampleSpec(24, 20, BitsStored: 12, Seed: 5);
        var files = FixtureFactory.LosslessSyntaxes
            .Where(s => s.Name is not ("jpeg-lossless-sv2" or "jpeg-lossless-sv3" or "jpeg-lossless-sv4" or "jpeg-lossless-sv5"))
            .Select(s => (s.Name, FixtureFactory.Write(s.Uid, s.Encoder(), spec).File))
            .ToList();

        var (withSequences, _) = SampleDatasets.Create(spec with { Photometric = "MONOCHROME1" });
        withSequences.AddSequence(DicomTag.VoiLutSequence, new DicomDataset().AddUInt16(DicomTag.LutDescriptor, 4, 0, 12).AddBytes(DicomTag.LutData, "OW", [0, 0, 0, 4, 0, 8, 255, 15]))
            .AddSequence(DicomTag.ModalityLutSequence, new DicomDataset().AddUInt16(DicomTag.LutDescriptor, 0, 0, 16).AddBytes(DicomTag.LutData, "OW", [1, 0, 2, 0]));
        files.Add(("sequences-implicit", DicomWriter.Write(withSequences, TransferSyntax.ImplicitVrLittleEndianUid)));
        files.Add(("sequences-defined-be", DicomWriter.Write(withSequences, TransferSyntax.ExplicitVrBigEndianUid, new DicomWriterOptions { UndefinedLengthSequences = false })));

        var (multi, _) = SampleDatasets.Create(spec);
        multi.AddInteger(DicomTag.NumberOfFrames, 2).AddNativePixels([.. ChestPhantom.Generate(24, 20, 4095, 1), .. ChestPhantom.Generate(24, 20, 4095, 2)], 16);
        files.Add(("rle-multiframe-fragments", DicomWriter.Write(multi, TransferSyntax.RleLosslessUid, new DicomWriterOptions { Encoder = new RleEncoder(), FragmentSize = 64, BasicOffsetTable = false })));

        var (eight, _) = SampleDatasets.Create(spec with { BitsAllocated = 8, BitsStored = 8 });
        files.Add(("jpeg-baseline", DicomWriter.Write(eight, TransferSyntax.JpegBaselineUid, new DicomWriterOptions { Encoder = new JpegBaselineEncoder() })));
        files.Add(("bare-implicit", DicomWriter.Write(eight, TransferSyntax.ImplicitVrLittleEndianUid, new DicomWriterOptions { Preamble = false })));
        return files;
    }

    [Fact]
    public void TenThousandMutatedFilesOnlyEverRaiseDicomException()
    {
        var seeds = SeedFiles();
        int total = 0;
        int rejected = 0;
        double costliest = 0;
        var failures = new List<string>();

        for (int s = 0; s < seeds.Count; s++)
        {
            var (name, original) = seeds[s];
            Assert.True(Process(original) is null, $"seed file {name} must decode cleanly");
            long budget = (BudgetFactor * Allocated(() => Process(original))) + BudgetSlack;
            var mutator = new Mutator(seed: 1000 + s);
            for (int i = 0; i < MutationsPerSeedFile; i++)
            {
                var (bytes, description) = mutator.Mutate(original);
                long before = GC.GetAllocatedBytesForCurrentThread();
                string? outcome;
                try
                {
                    outcome = Process(bytes);
                }
                catch (Exception e)
                {
                    failures.Add($"{name} #{i} ({description}): {e.GetType().Name}: {e.Message}");
                    continue;
                }

                long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
                costliest = Math.Max(costliest, (double)allocated / budget);
                if (allocated > budget)
                {
                    failures.Add($"{name} #{i} ({description}): allocated {allocated} bytes, over the {budget} budget");
                }

                rejected += outcome is null ? 0 : 1;
                total++;
            }
        }

        output.WriteLine($"{total} mutations over {seeds.Count} seed files: {rejected} rejected with DicomException, {total - rejected} accepted, costliest {costliest:P0} of its budget");
        Assert.True(failures.Count == 0, $"{failures.Count} failures, first: {string.Join(Environment.NewLine, failures.Take(5))}");
        Assert.True(total >= 10_000, $"only {total} mutations ran");
        Assert.True(rejected > total / 10, $"only {rejected} of {total} mutations were rejected: the fuzzer is not reaching the parser");
    }

    /// <summary>Bytes this thread allocates running the action once more after a warm-up run.</summary>
    private static long Allocated(Action action)
    {
        action();
        long before = GC.GetAllocatedBytesForCurrentThread();
        action();
        return GC.GetAllocatedBytesForCurrentThread() - before;
    }

    /// <summary>Runs the whole ingest path; returns null when the file was accepted, the reason when rejected.</summary>
    private static string? Process(byte[] bytes)
    {
        try
        {
            var file = new DicomReader().Parse(bytes, "fuzz.dcm");
            _ = DicomMetadata.DeidentifiedSummary(file);
            var radiograph = new DicomRadiographReader().ToRadiograph(file);
            _ = RadiographPipeline.ToTensor(radiograph, InputContract.Default with { Size = 32 });
            return null;
        }
        catch (DicomException e)
        {
            Assert.StartsWith("fuzz.dcm: ", e.Message);
            return e.Reason;
        }
    }
}

using TbScreen.Dicom;
using TbScreen.Dicom.Samples;
using TbScreen.Dicom.Writing;

namespace TbScreen.Web.Tests.Infrastructure;

/// <summary>
/// Phantom chest DICOMs written by our own code. Each seed gives its own SOP Instance UID, so tests that must
/// not see each other's stored results (dedupe is by UID + model version) use different seeds.
/// </summary>
internal static class TestRadiographs
{
    private const string ExplicitVrLittleEndian = "1.2.840.10008.1.2.1";
    private static int _nextSeed = 5000;

    public static int NewSeed() => Interlocked.Increment(ref _nextSeed);

    public static byte[] Phantom(int seed) =>
        DicomWriter.Write(SampleDatasets.Create(new SampleSpec(Rows: 128, Columns: 112, Seed: seed)).Dataset, ExplicitVrLittleEndian);

    /// <summary>A phantom whose Patient ID is <paramref name="patientId"/> (so two seeds can be one patient).</summary>
    public static byte[] PhantomOf(string patientId, int seed) =>
        DicomWriter.Write(SampleDatasets.Create(new SampleSpec(Rows: 128, Columns: 112, Seed: seed)).Dataset.AddString(DicomTag.PatientId, "LO", patientId), ExplicitVrLittleEndian);

    /// <summary>A DICOM preamble and magic followed by garbage: invalid-dicom, not unreadable-image.</summary>
    public static byte[] CorruptDicom()
    {
        var bytes = new byte[1024];
        new Random(7).NextBytes(bytes);
        Array.Clear(bytes, 0, 128);
        "DICM"u8.CopyTo(bytes.AsSpan(128));
        return bytes;
    }
}

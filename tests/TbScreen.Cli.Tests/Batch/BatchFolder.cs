using System.Text;
using TbScreen.Dicom;
using TbScreen.Dicom.Samples;
using TbScreen.Dicom.Writing;
using TbScreen.Inference.Tests.TestModels;

namespace TbScreen.Cli.Tests.Batch;

/// <summary>Builds test folders from our own phantoms (never third-party images): good, bad and odd files.</summary>
internal static class BatchFolder
{
    public static string Create() => Path.GetDirectoryName(CliRunner.TempPath("x"))!;

    /// <summary>A CR chest phantom; a distinct seed gives distinct SOP Instance UIDs (no dedup between files).</summary>
    public static byte[] Dicom(int seed, string modality = "CR", string view = "PA", string transferSyntax = TransferSyntax.ExplicitVrLittleEndianUid, int rows = 96, int columns = 80)
    {
        var (dataset, _) = SampleDatasets.Create(new SampleSpec(Rows: rows, Columns: columns, Seed: seed));
        dataset.AddString(DicomTag.Modality, "CS", modality).AddString(DicomTag.ViewPosition, "CS", view);
        return DicomWriter.Write(dataset, transferSyntax);
    }

    /// <summary>A good file whose transfer syntax UID is swapped for an unknown one of the same length.</summary>
    public static byte[] UnsupportedSyntax(int seed)
    {
        byte[] bytes = Dicom(seed);
        byte[] known = Encoding.ASCII.GetBytes(TransferSyntax.ExplicitVrLittleEndianUid);
        int at = bytes.AsSpan().IndexOf(known);
        Encoding.ASCII.GetBytes("1.2.840.10008.1.2.9").CopyTo(bytes, at);
        return bytes;
    }

    /// <summary>
    /// The mixed folder of the batch tests, and each file's expected status in output order (recursive walk).
    /// </summary>
    public static (string Folder, (string Name, string Status)[] Expected) Mixed()
    {
        string dir = Create();
        byte[] good = Dicom(11);
        Write(dir, "good1.dcm", good);
        Write(dir, "good2", Dicom(12, transferSyntax: TransferSyntax.ImplicitVrLittleEndianUid));
        Write(dir, Path.Combine("sub", "good3.dcm"), Dicom(13));
        Write(dir, "ct.dcm", Dicom(14, modality: "CT"));
        Write(dir, "lateral.dcm", Dicom(15, view: "LL"));
        Write(dir, "truncated.dcm", good[..400]);
        Write(dir, "unsupported.dcm", UnsupportedSyntax(16));
        Write(dir, "image.png", PhantomImages.PngBytes(0.6));
        Write(dir, "broken.png", [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 1, 2, 3]);
        Write(dir, "notes.txt", Encoding.UTF8.GetBytes("radiology report, not an image\n"));
        Write(dir, "empty.dcm", []);
        Write(dir, ".hidden.dcm", good);
        return (dir,
        [
            ("broken.png", "unreadable-image"),
            ("ct.dcm", "not-chest-xray"),
            ("empty.dcm", "unreadable-image"),
            ("good1.dcm", "ok"),
            ("good2", "ok"),
            ("image.png", "ok"),
            ("lateral.dcm", "not-chest-xray"),
            ("notes.txt", "unreadable-image"),
            (Path.Combine("sub", "good3.dcm"), "ok"),
            ("truncated.dcm", "invalid-dicom"),
            ("unsupported.dcm", "unsupported-transfer-syntax"),
        ]);
    }

    public static void Write(string dir, string name, byte[] bytes)
    {
        string path = Path.Combine(dir, name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, bytes);
    }
}

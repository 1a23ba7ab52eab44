using TbScreen.Dicom.Tests.TestData;

namespace TbScreen.Dicom.Tests.Codecs;

/// <summary>Small committed codestreams (made from our own synthetic pixels) and their expected values.</summary>
internal static class CodecFixtures
{
    public static string PathOf(params string[] parts) =>
        Path.Combine([SharedDicomData.RepositoryRoot, "tests", "TbScreen.Dicom.Tests", "Fixtures", .. parts]);

    /// <summary>Reads a *.u16le file of expected samples as ints.</summary>
    public static int[] ReadU16(string path)
    {
        byte[] bytes = File.ReadAllBytes(path);
        var values = new int[bytes.Length / 2];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = bytes[2 * i] | (bytes[(2 * i) + 1] << 8);
        }

        return values;
    }
}

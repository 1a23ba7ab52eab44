namespace TbScreen.Dicom.Network.Tests.Support;

/// <summary>
/// Asserts two data sets carry the same attributes and values, whatever the encoding: group lengths and file meta
/// are ignored, values are compared in little endian byte order, and VRs are not compared (implicit VR reads unknown
/// attributes as UN).
/// </summary>
public static class DataSetComparison
{
    public static void AssertSameContent(DicomDataset expected, DicomDataset actual, string path = "")
    {
        var expectedTags = Tags(expected);
        var actualTags = Tags(actual);
        Assert.True(expectedTags.SequenceEqual(actualTags),
            $"{path}attributes differ: missing [{string.Join(' ', expectedTags.Except(actualTags).Select(DicomTag.Format))}], extra [{string.Join(' ', actualTags.Except(expectedTags).Select(DicomTag.Format))}]");
        foreach (uint tag in expectedTags)
        {
            var e = expected[tag]!;
            var a = actual[tag]!;
            string where = $"{path}{DicomTag.Format(tag)}";
            if (e.IsSequence)
            {
                Assert.True(a.IsSequence, $"{where} is not a sequence in the copy");
                Assert.Equal(e.Items!.Count, a.Items!.Count);
                for (int i = 0; i < e.Items.Count; i++)
                {
                    AssertSameContent(e.Items[i], a.Items[i], $"{where}[{i}]");
                }
            }
            else if (e.IsEncapsulated)
            {
                Assert.True(a.IsEncapsulated, $"{where} is not encapsulated in the copy");
                Assert.True(Concatenate(e.Fragments!.Skip(1)).SequenceEqual(Concatenate(a.Fragments!.Skip(1))), $"{where} fragments differ");
            }
            else
            {
                Assert.True(LittleEndian(e, expected.BigEndian).SequenceEqual(LittleEndian(a, actual.BigEndian)), $"{where} values differ");
            }
        }
    }

    private static List<uint> Tags(DicomDataset dataSet) =>
        dataSet.Elements.Select(e => e.Tag).Where(t => (t & 0xFFFF) != 0 && DicomTag.Group(t) != 0x0002).ToList();

    private static byte[] Concatenate(IEnumerable<ReadOnlyMemory<byte>> fragments) => fragments.SelectMany(f => f.ToArray()).ToArray();

    private static byte[] LittleEndian(DicomElement element, bool bigEndian)
    {
        byte[] value = element.Value.ToArray();
        int unit = DicomVr.SwapUnit(element.Vr);
        if (bigEndian && unit > 1)
        {
            for (int i = 0; i + unit <= value.Length; i += unit)
            {
                Array.Reverse(value, i, unit);
            }
        }

        return value;
    }
}

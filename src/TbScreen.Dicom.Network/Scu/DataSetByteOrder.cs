namespace TbScreen.Dicom.Network.Scu;

/// <summary>Copies a big endian data set into little endian byte order, the form <c>DicomWriter</c> takes.</summary>
internal static class DataSetByteOrder
{
    public static DicomDataset ToLittleEndian(DicomDataset source)
    {
        if (!source.BigEndian)
        {
            return source;
        }

        var target = new DicomDataset(bigEndian: false, source.TextEncoding);
        foreach (var element in source.Elements)
        {
            if (element.IsSequence)
            {
                target.Set(new DicomElement(element.Tag, element.Items!.Select(ToLittleEndian).ToList()));
                continue;
            }

            if (element.IsEncapsulated)
            {
                target.Set(element); // fragments are byte streams, never swapped
                continue;
            }

            byte[] value = element.Value.ToArray();
            int unit = DicomVr.SwapUnit(element.Vr);
            if (unit > 1)
            {
                for (int i = 0; i + unit <= value.Length; i += unit)
                {
                    Array.Reverse(value, i, unit);
                }
            }

            target.Set(new DicomElement(element.Tag, element.Vr, value));
        }

        return target;
    }
}

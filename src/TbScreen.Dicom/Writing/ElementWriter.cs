using System.Buffers.Binary;

namespace TbScreen.Dicom.Writing;

/// <summary>Serialises elements in one transfer syntax's VR mode and byte order.</summary>
internal sealed class ElementWriter
{
    private const uint UndefinedLength = 0xFFFFFFFF;

    private readonly Stream _output;
    private readonly bool _explicitVr;
    private readonly bool _bigEndian;
    private readonly DicomWriterOptions _options;

    public ElementWriter(Stream output, bool explicitVr, bool bigEndian, DicomWriterOptions options)
    {
        _output = output;
        _explicitVr = explicitVr;
        _bigEndian = bigEndian;
        _options = options;
    }

    public void WriteDataset(DicomDataset dataset)
    {
        foreach (var element in dataset.Elements)
        {
            WriteElement(element);
        }
    }

    private void WriteElement(DicomElement element)
    {
        if (element.IsSequence)
        {
            WriteSequence(element);
            return;
        }

        if (element.IsEncapsulated)
        {
            WriteHeader(element.Tag, element.Vr, UndefinedLength);
            foreach (var fragment in element.Fragments!)
            {
                WriteItemHeader(DicomTag.Item, (uint)fragment.Length);
                _output.Write(fragment.Span);
            }

            WriteItemHeader(DicomTag.SequenceDelimitationItem, 0);
            return;
        }

        byte[] value = element.Value.ToArray();
        if (value.Length % 2 == 1 && _options.PadOddLengths)
        {
            // Padded before any swap, so that an odd OW (8-bit samples) keeps its last byte in its own word.
            Array.Resize(ref value, value.Length + 1);
            value[^1] = element.Vr is "UI" or "OB" or "OW" or "UN" ? (byte)0 : (byte)' ';
        }

        if (_bigEndian)
        {
            SwapInPlace(value, DicomVr.SwapUnit(element.Vr));
        }

        WriteHeader(element.Tag, element.Vr, (uint)value.Length);
        _output.Write(value);
    }

    private void WriteSequence(DicomElement element)
    {
        if (_options.UndefinedLengthSequences)
        {
            WriteHeader(element.Tag, "SQ", UndefinedLength);
            foreach (var item in element.Items!)
            {
                WriteItemHeader(DicomTag.Item, UndefinedLength);
                WriteDataset(item);
                WriteItemHeader(DicomTag.ItemDelimitationItem, 0);
            }

            WriteItemHeader(DicomTag.SequenceDelimitationItem, 0);
            return;
        }

        var items = element.Items!.Select(item =>
        {
            using var buffer = new MemoryStream();
            new ElementWriter(buffer, _explicitVr, _bigEndian, _options).WriteDataset(item);
            return buffer.ToArray();
        }).ToList();
        WriteHeader(element.Tag, "SQ", (uint)items.Sum(i => 8 + i.Length));
        foreach (var item in items)
        {
            WriteItemHeader(DicomTag.Item, (uint)item.Length);
            _output.Write(item);
        }
    }

    private void WriteHeader(uint tag, string vr, uint length)
    {
        WriteTag(tag);
        if (!_explicitVr)
        {
            WriteUInt32(length);
            return;
        }

        _output.WriteByte((byte)vr[0]);
        _output.WriteByte((byte)vr[1]);
        if (DicomVr.HasLongLength(vr))
        {
            WriteUInt16(0);
            WriteUInt32(length);
        }
        else
        {
            if (length > ushort.MaxValue)
            {
                throw new ArgumentException($"{DicomTag.Format(tag)} {vr} value of {length} bytes does not fit a 16-bit length.");
            }

            WriteUInt16((ushort)length);
        }
    }

    private void WriteItemHeader(uint tag, uint length)
    {
        WriteTag(tag);
        WriteUInt32(length);
    }

    private void WriteTag(uint tag)
    {
        WriteUInt16((ushort)(tag >> 16));
        WriteUInt16((ushort)tag);
    }

    private void WriteUInt16(ushort value)
    {
        Span<byte> b = stackalloc byte[2];
        if (_bigEndian)
        {
            BinaryPrimitives.WriteUInt16BigEndian(b, value);
        }
        else
        {
            BinaryPrimitives.WriteUInt16LittleEndian(b, value);
        }

        _output.Write(b);
    }

    private void WriteUInt32(uint value)
    {
        Span<byte> b = stackalloc byte[4];
        if (_bigEndian)
        {
            BinaryPrimitives.WriteUInt32BigEndian(b, value);
        }
        else
        {
            BinaryPrimitives.WriteUInt32LittleEndian(b, value);
        }

        _output.Write(b);
    }

    private static void SwapInPlace(byte[] value, int unit)
    {
        if (unit <= 1)
        {
            return;
        }

        for (int i = 0; i + unit <= value.Length; i += unit)
        {
            Array.Reverse(value, i, unit);
        }
    }
}

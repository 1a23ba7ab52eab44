using System.Buffers.Binary;

namespace TbScreen.Dicom;

/// <summary>
/// Walks elements in one buffer. Handles explicit and implicit VR, both byte orders, defined and
/// undefined lengths, nested sequences, encapsulated pixel data, and UN with undefined length
/// (parsed as implicit VR little endian, PS3.5 6.2.2).
/// </summary>
internal sealed class DatasetParser
{
    private const uint UndefinedLength = 0xFFFFFFFF;

    private readonly byte[] _buffer;
    private readonly bool _explicitVr;
    private readonly bool _bigEndian;
    private readonly int _maxDepth;

    public DatasetParser(byte[] buffer, bool explicitVr, bool bigEndian, int maxDepth)
    {
        _buffer = buffer;
        _explicitVr = explicitVr;
        _bigEndian = bigEndian;
        _maxDepth = maxDepth;
    }

    /// <summary>Reads group 0002 elements from <paramref name="position"/>; returns where the dataset starts.</summary>
    public int ParseFileMeta(DicomDataset meta, int position)
    {
        while (position + 4 <= _buffer.Length && ReadUInt16(position) == 0x0002)
        {
            var (element, next) = ReadElement(position, _buffer.Length, depth: 0, meta);
            meta.Set(element);
            position = next;
        }

        return position;
    }

    /// <summary>Parses elements into <paramref name="dataset"/> until <paramref name="end"/> or an item delimiter.</summary>
    public int ParseDataset(DicomDataset dataset, int position, int end, bool untilItemDelimiter, int depth)
    {
        while (position < end)
        {
            if (end - position < 8)
            {
                // Some writers pad the end of a file with a few zero bytes; anything else is truncation.
                if (!untilItemDelimiter && _buffer.AsSpan(position, end - position).IndexOfAnyExcept((byte)0) < 0)
                {
                    return end;
                }

                throw new DicomException($"truncated element header at byte {position}");
            }

            uint tag = ReadTag(position);
            if (tag == DicomTag.ItemDelimitationItem)
            {
                if (untilItemDelimiter)
                {
                    return position + 8;
                }

                position += 8; // a stray delimiter: skip it as dcmtk does
                continue;
            }

            if (tag == DicomTag.SequenceDelimitationItem)
            {
                if (untilItemDelimiter)
                {
                    throw new DicomException($"sequence delimiter inside an item at byte {position}");
                }

                position += 8;
                continue;
            }

            if (tag == DicomTag.Item)
            {
                throw new DicomException($"item tag outside a sequence at byte {position}");
            }

            var (element, next) = ReadElement(position, end, depth, dataset);
            dataset.Set(element);
            if (element.Tag == DicomTag.SpecificCharacterSet)
            {
                dataset.TextEncoding = DicomCharacterSet.FromTerms(dataset.GetStrings(DicomTag.SpecificCharacterSet));
            }

            position = next;
        }

        if (untilItemDelimiter)
        {
            throw new DicomException("item with undefined length has no item delimiter before the end of data");
        }

        return position;
    }

    private (DicomElement Element, int Next) ReadElement(int position, int end, int depth, DicomDataset owner)
    {
        RequireBytes(position, 8, end, tag: null);
        uint tag = ReadTag(position);
        string vr;
        uint length;
        int valueStart;
        bool explicitHere = _explicitVr && HasVrLetters(position + 4);

        if (explicitHere)
        {
            vr = string.Create(2, (_buffer[position + 4], _buffer[position + 5]), static (s, b) =>
            {
                s[0] = (char)b.Item1;
                s[1] = (char)b.Item2;
            });
            if (!DicomVr.IsValid(vr))
            {
                throw new DicomException($"unknown value representation '{vr}' at byte {position}", tag: tag);
            }

            if (DicomVr.HasLongLength(vr))
            {
                RequireBytes(position, 12, end, tag);
                length = ReadUInt32(position + 8);
                valueStart = position + 12;
            }
            else
            {
                length = ReadUInt16(position + 6);
                valueStart = position + 8;
            }
        }
        else
        {
            int bitsAllocated = owner.GetInt(DicomTag.BitsAllocated) ?? 16;
            vr = DicomDictionary.VrOf(tag, bitsAllocated, owner.GetInt(DicomTag.PixelRepresentation) == 1);
            length = ReadUInt32(position + 4);
            valueStart = position + 8;
        }

        if (length == UndefinedLength)
        {
            if (tag == DicomTag.PixelData)
            {
                return ReadFragments(tag, vr, valueStart, end);
            }

            if (vr is "SQ" or "UN")
            {
                // UN of undefined length is a sequence encoded implicit VR little endian (CP-246).
                var parser = vr == "UN" ? new DatasetParser(_buffer, false, false, _maxDepth) : this;
                return parser.ReadSequence(tag, valueStart, end, definedEnd: null, depth, owner);
            }

            throw new DicomException($"undefined length is not allowed for VR {vr}", tag: tag);
        }

        if (length > (uint)(end - valueStart))
        {
            throw new DicomException($"element length {length} exceeds the {end - valueStart} bytes that remain", tag: tag);
        }

        int valueEnd = valueStart + (int)length;
        if (vr == "SQ")
        {
            return ReadSequence(tag, valueStart, end, valueEnd, depth, owner);
        }

        return (new DicomElement(tag, vr, new ReadOnlyMemory<byte>(_buffer, valueStart, (int)length)), valueEnd);
    }

    private (DicomElement, int) ReadSequence(uint tag, int position, int end, int? definedEnd, int depth, DicomDataset owner)
    {
        if (depth >= _maxDepth)
        {
            throw new DicomException($"sequences nested deeper than {_maxDepth}", tag: tag);
        }

        int limit = definedEnd ?? end;
        var items = new List<DicomDataset>();
        while (position < limit)
        {
            RequireBytes(position, 8, limit, tag);
            uint itemTag = ReadTag(position);
            uint itemLength = ReadUInt32(position + 4);
            position += 8;
            if (itemTag == DicomTag.SequenceDelimitationItem)
            {
                if (definedEnd is null)
                {
                    return (new DicomElement(tag, items), position);
                }

                continue;
            }

            if (itemTag != DicomTag.Item)
            {
                throw new DicomException($"expected an item in sequence, found {DicomTag.Format(itemTag)}", tag: tag);
            }

            var item = new DicomDataset(_bigEndian, owner.TextEncoding);
            if (itemLength == UndefinedLength)
            {
                position = ParseDataset(item, position, limit, untilItemDelimiter: true, depth + 1);
            }
            else
            {
                if (itemLength > (uint)(limit - position))
                {
                    throw new DicomException($"item length {itemLength} exceeds the {limit - position} bytes that remain", tag: tag);
                }

                int itemEnd = position + (int)itemLength;
                ParseDataset(item, position, itemEnd, untilItemDelimiter: false, depth + 1);
                position = itemEnd;
            }

            items.Add(item);
        }

        if (definedEnd is null)
        {
            throw new DicomException("sequence with undefined length has no sequence delimiter before the end of data", tag: tag);
        }

        return (new DicomElement(tag, items), position);
    }

    private (DicomElement, int) ReadFragments(uint tag, string vr, int position, int end)
    {
        var fragments = new List<ReadOnlyMemory<byte>>();
        while (position < end)
        {
            if (end - position < 8)
            {
                break; // tolerate a missing final delimiter at the end of the file
            }

            uint itemTag = ReadTag(position);
            uint itemLength = ReadUInt32(position + 4);
            position += 8;
            if (itemTag == DicomTag.SequenceDelimitationItem)
            {
                return (new DicomElement(tag, vr, fragments), position);
            }

            if (itemTag != DicomTag.Item)
            {
                throw new DicomException($"expected a pixel data fragment item, found {DicomTag.Format(itemTag)}", tag: tag);
            }

            if (itemLength > (uint)(end - position))
            {
                throw new DicomException($"fragment length {itemLength} exceeds the {end - position} bytes that remain", tag: tag);
            }

            fragments.Add(new ReadOnlyMemory<byte>(_buffer, position, (int)itemLength));
            position += (int)itemLength;
        }

        if (fragments.Count == 0)
        {
            throw new DicomException("encapsulated pixel data has no items", tag: tag);
        }

        return (new DicomElement(tag, vr, fragments), end);
    }

    private bool HasVrLetters(int position) =>
        position + 2 <= _buffer.Length
        && char.IsAsciiLetterUpper((char)_buffer[position])
        && char.IsAsciiLetterUpper((char)_buffer[position + 1])
        && DicomTag.Group(ReadTag(position - 4)) != 0xFFFE;

    private void RequireBytes(int position, int count, int end, uint? tag)
    {
        if (end - position < count)
        {
            throw new DicomException($"truncated data at byte {position}", tag: tag);
        }
    }

    private uint ReadTag(int position) => ((uint)ReadUInt16(position) << 16) | ReadUInt16(position + 2);

    private ushort ReadUInt16(int position) => _bigEndian
        ? BinaryPrimitives.ReadUInt16BigEndian(_buffer.AsSpan(position, 2))
        : BinaryPrimitives.ReadUInt16LittleEndian(_buffer.AsSpan(position, 2));

    private uint ReadUInt32(int position) => _bigEndian
        ? BinaryPrimitives.ReadUInt32BigEndian(_buffer.AsSpan(position, 4))
        : BinaryPrimitives.ReadUInt32LittleEndian(_buffer.AsSpan(position, 4));
}

using System.Runtime.CompilerServices;

namespace TbScreen.Dicom.Codecs.Jpeg;

/// <summary>
/// Reads an entropy-coded segment MSB first through a 64-bit accumulator. It removes stuffed zero
/// bytes (FF 00) and stops in front of any marker. Past a marker or the end of the data it feeds
/// zero bits so the Huffman lookahead never has to branch on the end; those bits are counted so
/// <see cref="Overrun"/> can tell real truncation from harmless lookahead.
/// </summary>
internal ref struct JpegBitReader
{
    private readonly ReadOnlySpan<byte> _data;
    private int _pos;
    private ulong _acc;      // valid bits are left-aligned
    private int _bits;       // valid bits in _acc, padding included
    private int _padBits;    // trailing zero bits that were invented, not read
    private bool _atMarker;

    public JpegBitReader(ReadOnlySpan<byte> data, int start)
    {
        _data = data;
        _pos = start;
    }

    /// <summary>Offset of the first byte not yet moved into the accumulator.</summary>
    public readonly int Position => _pos;

    /// <summary>True when more bits were consumed than the segment really had.</summary>
    public readonly bool Overrun => _bits < _padBits;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Ensure(int n)
    {
        if (_bits < n)
        {
            Fill();
        }
    }

    /// <summary>The next 16 bits without consuming them (Ensure(16) first).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly int Peek16() => (int)(_acc >> 48);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Skip(int n)
    {
        _acc <<= n;
        _bits -= n;
    }

    /// <summary>Reads n bits, 1..16 (Ensure(n) first).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int Read(int n)
    {
        int v = (int)(_acc >> (64 - n));
        _acc <<= n;
        _bits -= n;
        return v;
    }

    private void Fill()
    {
        while (_bits <= 56)
        {
            int b = 0;
            if (!_atMarker && _pos < _data.Length)
            {
                b = _data[_pos];
                if (b == 0xFF)
                {
                    // FF 00 is a stuffed FF; anything else (including FF FF fill) starts a marker.
                    if (_pos + 1 < _data.Length && _data[_pos + 1] == 0x00)
                    {
                        _pos += 2;
                    }
                    else
                    {
                        _atMarker = true;
                        b = 0;
                    }
                }
                else
                {
                    _pos++;
                }
            }
            else
            {
                _atMarker = true;
            }

            if (_atMarker)
            {
                _padBits += 8;
            }

            _acc |= (ulong)b << (56 - _bits);
            _bits += 8;
        }
    }

    /// <summary>
    /// Drops the buffered bits (padding of the last byte) and, if the next marker is RSTn,
    /// consumes it. Returns false when the next marker is anything else or there is none.
    /// </summary>
    public bool ConsumeRestart()
    {
        _acc = 0;
        _bits = 0;
        _padBits = 0;
        _atMarker = false;
        // The byte position only ever advances over entropy-coded bytes, so search from there.
        int q = JpegSegments.FindMarker(_data, _pos);
        if (q < 0)
        {
            _pos = _data.Length;
            return false;
        }

        if (JpegMarkers.IsRestart(_data[q]))
        {
            _pos = q + 1;
            return true;
        }

        _pos = q - 1;
        return false;
    }
}

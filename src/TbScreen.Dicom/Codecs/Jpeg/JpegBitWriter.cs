namespace TbScreen.Dicom.Codecs.Jpeg;

/// <summary>Writes entropy-coded bits MSB first, stuffing a zero byte after every FF (F.1.2.3).</summary>
internal sealed class JpegBitWriter
{
    private readonly List<byte> _out;
    private ulong _acc;
    private int _bits;

    public JpegBitWriter(List<byte> output) => _out = output;

    /// <summary>Appends the low <paramref name="count"/> bits of <paramref name="value"/> (count 0..16).</summary>
    public void Write(int value, int count)
    {
        if (count == 0)
        {
            return;
        }

        _acc = (_acc << count) | ((uint)value & ((1u << count) - 1));
        _bits += count;
        while (_bits >= 8)
        {
            _bits -= 8;
            Emit((byte)(_acc >> _bits));
        }
    }

    /// <summary>Pads the last byte with 1-bits, as F.1.2.3 requires before a marker.</summary>
    public void Flush()
    {
        if (_bits > 0)
        {
            Write((1 << (8 - _bits)) - 1, 8 - _bits);
        }

        _acc = 0;
    }

    private void Emit(byte b)
    {
        _out.Add(b);
        if (b == 0xFF)
        {
            _out.Add(0x00);
        }
    }
}

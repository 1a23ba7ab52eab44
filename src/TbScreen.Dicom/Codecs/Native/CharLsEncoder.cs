using System.Buffers.Binary;

namespace TbScreen.Dicom.Codecs.Native;

/// <summary>
/// Writes JPEG-LS through libcharls: lossless (.80) when NEAR is 0, near-lossless (.81) with
/// every sample within ±NEAR otherwise. Signed samples are coded as their two's-complement bit
/// pattern in Bits Stored bits, which is how DICOM stores them in JPEG-LS.
/// </summary>
public sealed unsafe class CharLsEncoder : IFrameEncoder
{
    private readonly int _near;

    /// <param name="nearLossless">NEAR parameter: 0 = lossless, 1..255 = maximum absolute error.</param>
    public CharLsEncoder(int nearLossless = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(nearLossless);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(nearLossless, 255);
        _near = nearLossless;
    }

    public string TransferSyntaxUid => _near == 0 ? CharLsDecoder.LosslessUid : CharLsDecoder.NearLosslessUid;

    public byte[] Encode(ReadOnlySpan<int> samples, FrameInfo info)
    {
        var api = CharLsApi.Get(TransferSyntaxUid);
        if (info.Rows is <= 0 or > 65535 || info.Columns is <= 0 or > 65535 || info.SamplesPerPixel is < 1 or > 4)
        {
            throw new ArgumentException($"cannot encode geometry {info.Columns}x{info.Rows}x{info.SamplesPerPixel}", nameof(info));
        }

        if (info.BitsStored is < 2 or > 16 || samples.Length != info.SampleCount)
        {
            throw new ArgumentException($"need {info.SampleCount} samples of 2..16 bits", nameof(samples));
        }

        byte[] raw = Pack(samples, info, out int bytesPerSample);
        var frame = new CharLsFrameInfo
        {
            Width = (uint)info.Columns, Height = (uint)info.Rows,
            BitsPerSample = info.BitsStored, ComponentCount = info.SamplesPerPixel,
        };
        int mode = info.SamplesPerPixel == 1 ? CharLsApi.InterleaveNone
            : info.PlanarConfiguration == 1 ? CharLsApi.InterleaveNone : CharLsApi.InterleaveSample;

        nint encoder = api.EncoderCreate();
        if (encoder == 0)
        {
            throw new InvalidOperationException("charls_jpegls_encoder_create failed");
        }

        try
        {
            Check(api, api.EncoderSetFrameInfo(encoder, &frame));
            Check(api, api.EncoderSetNearLossless(encoder, _near));
            Check(api, api.EncoderSetInterleaveMode(encoder, mode));
            nuint capacity;
            Check(api, api.EncoderGetEstimatedDestinationSize(encoder, &capacity));
            var output = new byte[(int)capacity];
            nuint written;
            fixed (byte* destination = output)
            fixed (byte* source = raw)
            {
                Check(api, api.EncoderSetDestinationBuffer(encoder, destination, capacity));
                Check(api, api.EncoderEncodeFromBuffer(encoder, source, (nuint)raw.Length, 0));
                Check(api, api.EncoderGetBytesWritten(encoder, &written));
            }

            return output.AsSpan(0, (int)written).ToArray();
        }
        finally
        {
            api.EncoderDestroy(encoder);
        }
    }

    /// <summary>CharLS reads bytes up to 8 bits and little-endian words above, masked to the coded precision.</summary>
    private static byte[] Pack(ReadOnlySpan<int> samples, FrameInfo info, out int bytesPerSample)
    {
        int bits = info.BitsStored;
        int min = info.IsSigned ? -(1 << (bits - 1)) : 0;
        int max = info.IsSigned ? (1 << (bits - 1)) - 1 : (1 << bits) - 1;
        int mask = (1 << bits) - 1;
        bytesPerSample = bits <= 8 ? 1 : 2;
        var raw = new byte[samples.Length * bytesPerSample];
        for (int i = 0; i < samples.Length; i++)
        {
            int v = samples[i];
            if (v < min || v > max)
            {
                throw new ArgumentOutOfRangeException(nameof(samples), v, $"sample outside [{min}, {max}]");
            }

            if (bytesPerSample == 1)
            {
                raw[i] = (byte)(v & mask);
            }
            else
            {
                BinaryPrimitives.WriteUInt16LittleEndian(raw.AsSpan(i * 2), (ushort)(v & mask));
            }
        }

        return raw;
    }

    private static void Check(CharLsApi api, int error)
    {
        if (error != 0)
        {
            throw new InvalidOperationException("CharLS encoding failed: " + api.Message(error));
        }
    }
}

using System.Buffers.Binary;

namespace TbScreen.Dicom.Codecs.Native;

/// <summary>
/// JPEG-LS lossless (.80) and near-lossless (.81) through libcharls. CharLS writes one byte per
/// sample up to 8 bits and little-endian 16-bit words above; scans in any interleave mode are
/// rearranged to the layout FrameInfo asks for. Values are unsigned as coded: for signed images
/// the caller masks and sign-extends, as for every other codec.
/// </summary>
public sealed unsafe class CharLsDecoder : IFrameDecoder
{
    public const string LosslessUid = "1.2.840.10008.1.2.4.80";
    public const string NearLosslessUid = "1.2.840.10008.1.2.4.81";

    public IReadOnlyCollection<string> TransferSyntaxUids { get; } = [LosslessUid, NearLosslessUid];

    /// <summary>True when libcharls is installed; otherwise Decode throws UnsupportedTransferSyntaxException.</summary>
    public static bool IsAvailable => CharLsApi.IsAvailable;

    public int[] Decode(ReadOnlySpan<byte> frame, FrameInfo info)
    {
        var api = CharLsApi.Get(LosslessUid);
        CodecGuards.CheckFrameInfo(info, "JPEG-LS", maxSamples: 255);
        if (frame.Length < 4)
        {
            throw new DicomException("JPEG-LS: frame is too short");
        }

        frame = Terminated(frame);
        nint decoder = api.DecoderCreate();
        if (decoder == 0)
        {
            throw new DicomException("JPEG-LS: cannot create a CharLS decoder");
        }

        try
        {
            fixed (byte* source = frame)
            {
                Check(api, api.DecoderSetSourceBuffer(decoder, source, (nuint)frame.Length), "setting the source");
                Check(api, api.DecoderReadHeader(decoder), "reading the header");

                CharLsFrameInfo header;
                int mode;
                Check(api, api.DecoderGetFrameInfo(decoder, &header), "reading the frame info");
                Check(api, api.DecoderGetInterleaveMode(decoder, &mode), "reading the interleave mode");
                CheckHeader(header, mode, info);

                int bytesPerSample = header.BitsPerSample <= 8 ? 1 : 2;
                long expected = info.SampleCount * bytesPerSample;
                nuint size;
                Check(api, api.DecoderGetDestinationSize(decoder, 0, &size), "sizing the output");
                if ((long)size != expected)
                {
                    throw new DicomException($"JPEG-LS: decoder wants {size} bytes, the frame needs {expected}");
                }

                var raw = new byte[expected];
                fixed (byte* destination = raw)
                {
                    Check(api, api.DecoderDecodeToBuffer(decoder, destination, size, 0), "decoding");
                }

                return Arrange(raw, bytesPerSample, mode, info);
            }
        }
        finally
        {
            api.DecoderDestroy(decoder);
        }
    }

    /// <summary>
    /// CharLS 2.4 spins forever when the entropy-coded data runs out without reaching a marker
    /// (any truncated frame does). A trailing EOI makes its bit reader stop and report an error,
    /// so a frame that does not already end in EOI (ignoring DICOM's even-length pad) gets one.
    /// </summary>
    private static ReadOnlySpan<byte> Terminated(ReadOnlySpan<byte> frame)
    {
        ReadOnlySpan<byte> eoi = [0xFF, 0xD9];
        ReadOnlySpan<byte> trimmed = frame.Length > 2 && frame[^1] == 0 ? frame[..^1] : frame;
        if (trimmed.EndsWith(eoi))
        {
            return frame;
        }

        var copy = new byte[frame.Length + 2];
        frame.CopyTo(copy);
        eoi.CopyTo(copy.AsSpan(frame.Length));
        return copy;
    }

    private static void CheckHeader(CharLsFrameInfo header, int mode, FrameInfo info)
    {
        if (header.Width != info.Columns || header.Height != info.Rows || header.ComponentCount != info.SamplesPerPixel)
        {
            throw new DicomException(
                $"JPEG-LS: codestream is {header.Width}x{header.Height}x{header.ComponentCount}, " +
                $"but the DICOM header says {info.Columns}x{info.Rows}x{info.SamplesPerPixel}");
        }

        if (header.BitsPerSample is < 2 or > 16)
        {
            throw new DicomException($"JPEG-LS: unsupported sample precision {header.BitsPerSample}");
        }

        if (mode is not (CharLsApi.InterleaveNone or CharLsApi.InterleaveLine or CharLsApi.InterleaveSample))
        {
            throw new DicomException($"JPEG-LS: unknown interleave mode {mode}");
        }
    }

    /// <summary>
    /// CharLS output order depends on the scan: none = component planes, line = per row one run
    /// per component, sample = interleaved. We emit interleaved samples, or planes when the DICOM
    /// Planar Configuration is 1.
    /// </summary>
    private static int[] Arrange(byte[] raw, int bytesPerSample, int mode, FrameInfo info)
    {
        int spp = info.SamplesPerPixel, rows = info.Rows, cols = info.Columns;
        var samples = new int[info.SampleCount];
        bool planarOut = spp > 1 && info.PlanarConfiguration == 1;
        if (spp == 1 || (mode == CharLsApi.InterleaveSample && !planarOut) || (mode == CharLsApi.InterleaveNone && planarOut))
        {
            Widen(raw, bytesPerSample, samples); // source order already equals the wanted order
            return samples;
        }

        long pixels = (long)rows * cols;
        for (int y = 0; y < rows; y++)
        {
            for (int x = 0; x < cols; x++)
            {
                long pixel = (long)y * cols + x;
                for (int c = 0; c < spp; c++)
                {
                    long from = mode switch
                    {
                        CharLsApi.InterleaveNone => c * pixels + pixel,
                        CharLsApi.InterleaveLine => ((long)y * spp + c) * cols + x,
                        _ => pixel * spp + c,
                    };
                    long to = planarOut ? c * pixels + pixel : pixel * spp + c;
                    samples[to] = bytesPerSample == 1 ? raw[from] : BinaryPrimitives.ReadUInt16LittleEndian(raw.AsSpan((int)(from * 2)));
                }
            }
        }

        return samples;
    }

    private static void Widen(byte[] raw, int bytesPerSample, int[] samples)
    {
        if (bytesPerSample == 1)
        {
            for (int i = 0; i < samples.Length; i++)
            {
                samples[i] = raw[i];
            }
        }
        else
        {
            for (int i = 0; i < samples.Length; i++)
            {
                samples[i] = BinaryPrimitives.ReadUInt16LittleEndian(raw.AsSpan(i * 2));
            }
        }
    }

    private static void Check(CharLsApi api, int error, string step)
    {
        if (error != 0)
        {
            throw new DicomException($"JPEG-LS: {step} failed: {api.Message(error)}");
        }
    }
}

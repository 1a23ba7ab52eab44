using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace TbScreen.Dicom.Codecs.Native;

/// <summary>
/// JPEG XL (ISO/IEC 18181; DICOM Sup 232): lossless (.110), JPEG recompression (.111) and lossy (.112), through
/// Debian's libjxl. libjxl hands samples back scaled to the whole 8- or 16-bit range, so they are scaled back to the
/// codestream's own precision, which is exact for lossless data. Orientation is kept as coded (DICOM rows stay rows).
/// JPEG XL codes unsigned samples, so a signed frame is refused rather than decoded to the wrong values.
/// </summary>
public sealed unsafe class JpegXlDecoder : IFrameDecoder
{
    public const string LosslessUid = "1.2.840.10008.1.2.4.110";
    public const string JpegRecompressionUid = "1.2.840.10008.1.2.4.111";
    public const string Uid = "1.2.840.10008.1.2.4.112";

    public IReadOnlyCollection<string> TransferSyntaxUids { get; } = [LosslessUid, JpegRecompressionUid, Uid];

    /// <summary>True when libjxl is installed; otherwise Decode throws UnsupportedTransferSyntaxException.</summary>
    public static bool IsAvailable => JpegXlApi.IsAvailable;

    public int[] Decode(ReadOnlySpan<byte> frame, FrameInfo info)
    {
        var api = JpegXlApi.Get(LosslessUid);
        CodecGuards.CheckFrameInfo(info, "JPEG XL", maxSamples: 3);
        if (info.IsSigned)
        {
            throw new UnsupportedTransferSyntaxException(Uid, detail: "signed JPEG XL samples (Pixel Representation 1): JPEG XL codes unsigned samples only");
        }

        nint decoder = api.Create(0);
        if (decoder == 0)
        {
            throw new DicomException("JPEG XL: cannot create a libjxl decoder");
        }

        byte* output = null;
        try
        {
            Check(api.SubscribeEvents(decoder, JpegXlApi.BasicInfo | JpegXlApi.FullImage), "subscribing to events");
            Check(api.SetKeepOrientation(decoder, 1), "keeping the orientation");
            fixed (byte* source = frame)
            {
                Check(api.SetInput(decoder, source, (nuint)frame.Length), "setting the input");
                api.CloseInput(decoder);
                JxlBasicInfo header = default;
                JxlPixelFormat format = default;
                long expected = 0;
                while (true)
                {
                    int status = api.ProcessInput(decoder);
                    switch (status)
                    {
                        case JpegXlApi.BasicInfo:
                            Check(api.GetBasicInfo(decoder, &header), "reading the basic info");
                            CheckHeader(header, info);
                            format = new JxlPixelFormat
                            {
                                NumChannels = header.NumColorChannels,
                                DataType = header.BitsPerSample <= 8 ? JpegXlApi.TypeUInt8 : JpegXlApi.TypeUInt16,
                                Endianness = JpegXlApi.LittleEndian,
                            };
                            expected = info.SampleCount * (header.BitsPerSample <= 8 ? 1 : 2);
                            break;
                        case JpegXlApi.NeedImageOutBuffer:
                            nuint size;
                            Check(api.ImageOutBufferSize(decoder, &format, &size), "sizing the output");
                            if ((long)size != expected)
                            {
                                throw new DicomException($"JPEG XL: decoder wants {size} bytes, the frame needs {expected}");
                            }

                            output = (byte*)NativeMemory.Alloc(size);
                            Check(api.SetImageOutBuffer(decoder, &format, output, size), "setting the output");
                            break;
                        case JpegXlApi.FullImage:
                            break;
                        case JpegXlApi.Success:
                            if (output is null)
                            {
                                throw new DicomException("JPEG XL: the codestream holds no image");
                            }

                            return Unscale(new ReadOnlySpan<byte>(output, (int)expected), (int)header.BitsPerSample);
                        case JpegXlApi.NeedMoreInput:
                            throw new DicomException("JPEG XL: the codestream is truncated");
                        case JpegXlApi.Error:
                            throw new DicomException("JPEG XL: the codestream is corrupt or not JPEG XL");
                        default:
                            throw new DicomException($"JPEG XL: unexpected decoder status {status}");
                    }
                }
            }
        }
        finally
        {
            NativeMemory.Free(output);
            api.Destroy(decoder);
        }
    }

    private static void CheckHeader(JxlBasicInfo header, FrameInfo info)
    {
        if (header.XSize != info.Columns || header.YSize != info.Rows || header.NumColorChannels != info.SamplesPerPixel)
        {
            throw new DicomException(
                $"JPEG XL: codestream is {header.XSize}x{header.YSize}x{header.NumColorChannels}, " +
                $"but the DICOM header says {info.Columns}x{info.Rows}x{info.SamplesPerPixel}");
        }

        if (header.ExponentBitsPerSample != 0 || header.BitsPerSample is < 1 or > 16)
        {
            throw new DicomException($"JPEG XL: unsupported sample format ({header.BitsPerSample} bits, {header.ExponentBitsPerSample} exponent bits)");
        }

        if (header.BitsPerSample > info.BitsAllocated)
        {
            throw new DicomException($"JPEG XL: {header.BitsPerSample}-bit samples do not fit Bits Allocated {info.BitsAllocated}");
        }

        if (header.HaveAnimation != 0)
        {
            throw new DicomException("JPEG XL: an animation is not one frame");
        }
    }

    /// <summary>libjxl scales to the full range of its output type; undo that to the codestream's precision (exact when lossless).</summary>
    private static int[] Unscale(ReadOnlySpan<byte> raw, int bits)
    {
        int max = (1 << bits) - 1;
        bool wide = bits > 8;
        int full = wide ? 65535 : 255;
        var samples = new int[wide ? raw.Length / 2 : raw.Length];
        for (int i = 0; i < samples.Length; i++)
        {
            int value = wide ? BinaryPrimitives.ReadUInt16LittleEndian(raw[(i * 2)..]) : raw[i];
            samples[i] = max == full ? value : (int)(((long)value * max + full / 2) / full);
        }

        return samples;
    }

    private static void Check(int status, string step)
    {
        if (status != JpegXlApi.Success)
        {
            throw new DicomException($"JPEG XL: {step} failed (status {status})");
        }
    }
}

using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace TbScreen.Dicom.Codecs.Native;

/// <summary>
/// JPEG 2000 (lossless .90 and lossy .91) and High-Throughput JPEG 2000 (.201, .202, .203; ISO 15444-15, whose
/// codestreams differ only in their code-block coding) through libopenjp2. Accepts a raw J2K codestream or a
/// JP2 file. OpenJPEG undoes the multiple-component transform itself, so samples come out as
/// stored. Every size the codestream claims is checked against <see cref="FrameInfo"/> before
/// the library allocates or we copy, because corrupt input must end in a DicomException.
/// </summary>
public sealed unsafe class OpenJpegDecoder : IFrameDecoder
{
    public const string LosslessUid = "1.2.840.10008.1.2.4.90";
    public const string LossyUid = "1.2.840.10008.1.2.4.91";

    private static readonly byte[] J2kSignature = [0xFF, 0x4F, 0xFF, 0x51];
    private static readonly byte[] Jp2Signature = [0x00, 0x00, 0x00, 0x0C, 0x6A, 0x50, 0x20, 0x20];

    private readonly int _threads;

    /// <param name="threads">OpenJPEG worker threads per decode; 1 suits batch work that is already parallel.</param>
    public OpenJpegDecoder(int threads = 1)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        _threads = threads;
    }

    public IReadOnlyCollection<string> TransferSyntaxUids { get; } =
        [LosslessUid, LossyUid, TransferSyntax.HtJpeg2000LosslessUid, TransferSyntax.HtJpeg2000RpclLosslessUid, TransferSyntax.HtJpeg2000Uid];

    /// <summary>OpenJPEG decodes HTJ2K code-blocks from 2.5.0 on; older builds fail on them with no useful message.</summary>
    public static readonly Version FirstHighThroughputVersion = new(2, 5, 0);

    /// <summary>True when libopenjp2 is installed; otherwise Decode throws UnsupportedTransferSyntaxException.</summary>
    public static bool IsAvailable => OpenJpegApi.IsAvailable;

    public int[] Decode(ReadOnlySpan<byte> frame, FrameInfo info)
    {
        var api = OpenJpegApi.Get(LosslessUid);
        CodecGuards.CheckFrameInfo(info, "JPEG 2000", maxSamples: 4);
        int format = DetectFormat(frame);
        if (format == OpenJpegApi.CodecJ2K)
        {
            CheckSiz(frame, info);
            if (IsHighThroughput(frame))
            {
                CheckHighThroughputSupport(frame, api);
            }
        }

        var messages = new OpjMessages();
        var handle = GCHandle.Alloc(messages);
        nint stream = 0, codec = 0;
        OpjImage* image = null;
        try
        {
            fixed (byte* data = frame)
            {
                var source = new OpjMemorySource { Data = data, Length = frame.Length, Position = 0 };
                stream = api.StreamCreate((nuint)Math.Clamp(frame.Length, 4096, 1 << 20), 1);
                if (stream == 0)
                {
                    throw new DicomException("JPEG 2000: cannot create an OpenJPEG stream");
                }

                api.StreamSetReadFunction(stream, &OpjMemorySource.Read);
                api.StreamSetSkipFunction(stream, &OpjMemorySource.Skip);
                api.StreamSetSeekFunction(stream, &OpjMemorySource.Seek);
                api.StreamSetUserData(stream, &source, 0);
                api.StreamSetUserDataLength(stream, (ulong)frame.Length);

                codec = api.CreateDecompress(format);
                if (codec == 0)
                {
                    throw new DicomException("JPEG 2000: cannot create an OpenJPEG decoder");
                }

                OpjMessages.Install(api, codec, GCHandle.ToIntPtr(handle));

                // opj_dparameters_t is ~8.3 KB (mostly unused path buffers); we only need defaults.
                byte* parameters = stackalloc byte[16 * 1024];
                api.SetDefaultDecoderParameters(parameters);
                if (api.SetupDecoder(codec, parameters) == 0)
                {
                    throw Fail(messages, "decoder setup failed");
                }

                if (_threads > 1)
                {
                    api.CodecSetThreads(codec, _threads);
                }

                if (api.ReadHeader(stream, codec, &image) == 0 || image is null)
                {
                    throw Fail(messages, "cannot read the codestream header");
                }

                CheckImage(image, info, decoded: false);
                if (api.Decode(codec, stream, image) == 0)
                {
                    throw Fail(messages, "decoding failed (corrupt or truncated codestream)");
                }

                api.EndDecompress(codec, stream); // only reads trailing boxes; the pixels are already complete
                CheckImage(image, info, decoded: true);
                return CopySamples(image, info);
            }
        }
        finally
        {
            if (image is not null)
            {
                api.ImageDestroy(image);
            }

            if (codec != 0)
            {
                api.DestroyCodec(codec);
            }

            if (stream != 0)
            {
                api.StreamDestroy(stream);
            }

            handle.Free();
        }
    }

    private static int DetectFormat(ReadOnlySpan<byte> frame)
    {
        if (frame.StartsWith(J2kSignature))
        {
            return OpenJpegApi.CodecJ2K;
        }

        if (frame.StartsWith(Jp2Signature))
        {
            return OpenJpegApi.CodecJP2;
        }

        throw new DicomException("JPEG 2000: frame is neither a J2K codestream (FF4F FF51) nor a JP2 file");
    }

    /// <summary>
    /// Reads the SIZ segment that must follow SOC and compares it with the DICOM attributes, so a
    /// corrupt or mismatched header is rejected before OpenJPEG allocates anything for it.
    /// </summary>
    private static void CheckSiz(ReadOnlySpan<byte> frame, FrameInfo info)
    {
        // SOC(2) SIZ(2) Lsiz(2) Rsiz(2) Xsiz Ysiz XOsiz YOsiz XTsiz YTsiz XTOsiz YTOsiz (4 each) Csiz(2)
        if (frame.Length < 42)
        {
            throw new DicomException("JPEG 2000: codestream is too short for a SIZ segment");
        }

        uint xsiz = BinaryPrimitives.ReadUInt32BigEndian(frame[8..]);
        uint ysiz = BinaryPrimitives.ReadUInt32BigEndian(frame[12..]);
        uint xo = BinaryPrimitives.ReadUInt32BigEndian(frame[16..]);
        uint yo = BinaryPrimitives.ReadUInt32BigEndian(frame[20..]);
        int csiz = BinaryPrimitives.ReadUInt16BigEndian(frame[40..]);
        if (xo >= xsiz || yo >= ysiz || xsiz - xo != info.Columns || ysiz - yo != info.Rows || csiz != info.SamplesPerPixel)
        {
            throw new DicomException(
                $"JPEG 2000: codestream is {(long)xsiz - xo}x{(long)ysiz - yo}x{csiz}, " +
                $"but the DICOM header says {info.Columns}x{info.Rows}x{info.SamplesPerPixel}");
        }
    }

    private static void CheckHighThroughputSupport(ReadOnlySpan<byte> codestream, OpenJpegApi api)
    {
        if (api.ParsedVersion < FirstHighThroughputVersion)
        {
            throw new UnsupportedTransferSyntaxException(
                TransferSyntax.HtJpeg2000Uid,
                detail: $"High-Throughput JPEG 2000 needs OpenJPEG {FirstHighThroughputVersion} or later; libopenjp2 here is {api.VersionString}");
        }

        // Ssiz bit 7 of the first component: signed samples. OpenJPEG 2.5.0 decodes signed HT code-blocks with the
        // sign of every negative sample lost (measured against OpenJPH's decoder), so refusing beats wrong pixels.
        if (codestream.Length > 42 && (codestream[42] & 0x80) != 0)
        {
            throw new UnsupportedTransferSyntaxException(
                TransferSyntax.HtJpeg2000Uid,
                detail: $"signed High-Throughput JPEG 2000 samples: OpenJPEG {api.VersionString} decodes their negative values wrongly");
        }
    }

    /// <summary>Rsiz bit 14 marks a codestream that uses Part 15 (HTJ2K) capabilities (ISO 15444-15, A.2).</summary>
    internal static bool IsHighThroughput(ReadOnlySpan<byte> codestream) =>
        (BinaryPrimitives.ReadUInt16BigEndian(codestream[6..]) & 0x4000) != 0;

    private static void CheckImage(OpjImage* image, FrameInfo info, bool decoded)
    {
        if (image->NumComps != info.SamplesPerPixel || image->Comps is null)
        {
            throw new DicomException($"JPEG 2000: image has {image->NumComps} components, expected {info.SamplesPerPixel}");
        }

        for (int c = 0; c < info.SamplesPerPixel; c++)
        {
            OpjImageComp* comp = image->Comps + c;
            if (comp->W != info.Columns || comp->H != info.Rows || comp->Dx != 1 || comp->Dy != 1)
            {
                throw new DicomException(
                    $"JPEG 2000: component {c} is {comp->W}x{comp->H} (subsampling {comp->Dx}x{comp->Dy}), " +
                    $"expected {info.Columns}x{info.Rows}");
            }

            if (comp->Prec is 0 or > 32)
            {
                throw new DicomException($"JPEG 2000: component {c} has unsupported precision {comp->Prec}");
            }

            if (decoded && (comp->Data is null || comp->Factor != 0))
            {
                throw new DicomException($"JPEG 2000: component {c} was not decoded at full resolution");
            }
        }
    }

    private static int[] CopySamples(OpjImage* image, FrameInfo info)
    {
        int spp = info.SamplesPerPixel;
        int pixels = info.Rows * info.Columns;
        var samples = new int[(long)pixels * spp];
        bool planar = spp > 1 && info.PlanarConfiguration == 1;
        for (int c = 0; c < spp; c++)
        {
            var plane = new ReadOnlySpan<int>(image->Comps[c].Data, pixels);
            if (planar || spp == 1)
            {
                plane.CopyTo(samples.AsSpan(c * pixels, pixels));
            }
            else
            {
                for (int i = 0, j = c; i < pixels; i++, j += spp)
                {
                    samples[j] = plane[i];
                }
            }
        }

        return samples;
    }

    private static DicomException Fail(OpjMessages messages, string what) =>
        new($"JPEG 2000: {what}: {messages.Describe("no detail from OpenJPEG")}");
}

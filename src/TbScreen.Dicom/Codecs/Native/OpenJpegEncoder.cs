using System.Runtime.InteropServices;

namespace TbScreen.Dicom.Codecs.Native;

/// <summary>
/// Writes raw J2K codestreams (what DICOM encapsulates) through libopenjp2: reversible 5/3
/// wavelet for .4.90, or irreversible 9/7 at a compression ratio for .4.91. No colour transform is
/// applied, so Photometric Interpretation stays as given. Used for fixtures and exports.
/// </summary>
public sealed unsafe class OpenJpegEncoder : IFrameEncoder
{
    private const int MaxResolutions = 6;

    private readonly bool _lossless;
    private readonly float _ratio;

    /// <param name="lossless">True: reversible (.4.90). False: irreversible (.4.91).</param>
    /// <param name="compressionRatio">Lossy target ratio of raw bits to coded bits (ignored when lossless).</param>
    public OpenJpegEncoder(bool lossless = true, double compressionRatio = 10)
    {
        if (!lossless)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(compressionRatio, 1.0);
        }

        _lossless = lossless;
        _ratio = (float)compressionRatio;
    }

    public string TransferSyntaxUid => _lossless ? OpenJpegDecoder.LosslessUid : OpenJpegDecoder.LossyUid;

    public byte[] Encode(ReadOnlySpan<int> samples, FrameInfo info)
    {
        var api = OpenJpegApi.Get(TransferSyntaxUid);
        CheckInput(samples, info);

        int spp = info.SamplesPerPixel;
        int pixels = info.Rows * info.Columns;
        var sink = new OpjMemorySink();
        var sinkHandle = GCHandle.Alloc(sink);
        var messages = new OpjMessages();
        var messageHandle = GCHandle.Alloc(messages);
        OpjImage* image = null;
        nint codec = 0, stream = 0;
        try
        {
            var comps = stackalloc OpjImageCompParam[spp];
            for (int c = 0; c < spp; c++)
            {
                comps[c] = new OpjImageCompParam
                {
                    Dx = 1, Dy = 1, W = (uint)info.Columns, H = (uint)info.Rows,
                    Prec = (uint)info.BitsStored, Sgnd = info.IsSigned ? 1u : 0u,
                };
            }

            image = api.ImageCreate((uint)spp, comps, spp == 1 ? OpenJpegApi.ClrspcGray : OpenJpegApi.ClrspcSrgb);
            if (image is null)
            {
                throw new InvalidOperationException("opj_image_create failed");
            }

            image->X1 = (uint)info.Columns;
            image->Y1 = (uint)info.Rows;
            bool planar = spp > 1 && info.PlanarConfiguration == 1;
            for (int c = 0; c < spp; c++)
            {
                var plane = new Span<int>(image->Comps[c].Data, pixels);
                if (planar || spp == 1)
                {
                    samples.Slice(c * pixels, pixels).CopyTo(plane);
                }
                else
                {
                    for (int i = 0, j = c; i < pixels; i++, j += spp)
                    {
                        plane[i] = samples[j];
                    }
                }
            }

            OpjCParameters parameters;
            api.SetDefaultEncoderParameters(&parameters);
            CheckDefaults(&parameters);
            parameters.NumResolution = Resolutions(info);
            parameters.TcpMct = 0;
            parameters.TcpNumLayers = 1;
            parameters.CpDistoAlloc = 1;
            parameters.TcpRates[0] = _lossless ? 0f : _ratio; // rate 0 means "keep everything"
            parameters.Irreversible = _lossless ? 0 : 1;

            codec = api.CreateCompress(OpenJpegApi.CodecJ2K);
            OpjMessages.Install(api, codec, GCHandle.ToIntPtr(messageHandle));
            if (api.SetupEncoder(codec, &parameters, image) == 0)
            {
                throw new InvalidOperationException("opj_setup_encoder failed: " + messages.Describe("no detail"));
            }

            stream = api.StreamCreate(1 << 20, 0);
            api.StreamSetWriteFunction(stream, &OpjMemorySink.Write);
            api.StreamSetSkipFunction(stream, &OpjMemorySink.Skip);
            api.StreamSetSeekFunction(stream, &OpjMemorySink.Seek);
            api.StreamSetUserData(stream, (void*)GCHandle.ToIntPtr(sinkHandle), 0);

            if (api.StartCompress(codec, image, stream) == 0 || api.Encode(codec, stream) == 0
                || api.EndCompress(codec, stream) == 0)
            {
                throw new InvalidOperationException("OpenJPEG encoding failed: " + messages.Describe("no detail"));
            }
        }
        finally
        {
            if (stream != 0)
            {
                api.StreamDestroy(stream);
            }

            if (codec != 0)
            {
                api.DestroyCodec(codec);
            }

            if (image is not null)
            {
                api.ImageDestroy(image);
            }

            sinkHandle.Free();
            messageHandle.Free();
        }

        return sink.ToArray();
    }

    /// <summary>Each resolution level halves the image; OpenJPEG refuses levels smaller than one sample.</summary>
    private static int Resolutions(FrameInfo info)
    {
        int smallest = Math.Min(info.Rows, info.Columns);
        return Math.Clamp(32 - int.LeadingZeroCount(smallest), 1, MaxResolutions);
    }

    private static void CheckInput(ReadOnlySpan<int> samples, FrameInfo info)
    {
        if (info.Rows <= 0 || info.Columns <= 0 || info.SamplesPerPixel is < 1 or > 4)
        {
            throw new ArgumentException($"cannot encode geometry {info.Columns}x{info.Rows}x{info.SamplesPerPixel}", nameof(info));
        }

        if (info.BitsStored is < 1 or > 16 || info.BitsAllocated < info.BitsStored)
        {
            throw new ArgumentException($"cannot encode {info.BitsStored} bits stored in {info.BitsAllocated}", nameof(info));
        }

        if (samples.Length != info.SampleCount)
        {
            throw new ArgumentException($"expected {info.SampleCount} samples, got {samples.Length}", nameof(samples));
        }

        int min = info.IsSigned ? -(1 << (info.BitsStored - 1)) : 0;
        int max = info.IsSigned ? (1 << (info.BitsStored - 1)) - 1 : (1 << info.BitsStored) - 1;
        foreach (int v in samples)
        {
            if (v < min || v > max)
            {
                throw new ArgumentOutOfRangeException(nameof(samples), v, $"sample outside [{min}, {max}]");
            }
        }
    }

    /// <summary>
    /// Our struct mirror is only safe if the library wrote its documented defaults where we
    /// expect them; a layout drift would otherwise corrupt the parameters silently.
    /// </summary>
    private static void CheckDefaults(OpjCParameters* p)
    {
        if (p->NumResolution != 6 || p->CblockwInit != 64 || p->CblockhInit != 64 || p->RoiCompno != -1
            || p->SubsamplingDx != 1 || p->SubsamplingDy != 1 || p->DecodFormat != -1 || p->CodFormat != -1)
        {
            throw new InvalidOperationException("opj_cparameters_t layout does not match this libopenjp2; OpenJPEG 2.5 is required");
        }
    }
}

using TbScreen.Dicom.Codecs;
using TbScreen.Dicom.Codecs.Isolation;
using TbScreen.Dicom.Codecs.Rle;

namespace TbScreen.Dicom.Pixels;

/// <summary>One decoded frame: stored values (masked, sign-extended) in the order the file stores them.</summary>
public sealed record StoredFrame(PixelDescription Pixels, int[] Values);

/// <summary>
/// Decodes stored pixel values of a frame, native or encapsulated, through the registered codecs. Disposing matters
/// only for <see cref="Isolated"/>, whose codec host processes it stops.
/// </summary>
public sealed class PixelDataDecoder : IDisposable
{
    private readonly Dictionary<string, IFrameDecoder> _decoders = new(StringComparer.Ordinal);
    private CodecHostClient? _ownedHost;

    public PixelDataDecoder(IEnumerable<IFrameDecoder> decoders)
    {
        foreach (var decoder in decoders)
        {
            foreach (var uid in decoder.TransferSyntaxUids)
            {
                _decoders[uid] = decoder;
            }
        }
    }

    /// <summary>All built-in codecs. JPEG 2000 and JPEG-LS need Debian's libopenjp2-7 and libcharls2 at decode time.</summary>
    public static PixelDataDecoder Default { get; } = new(BuiltInCodecs.Decoders());

    /// <summary>
    /// The built-in codecs with JPEG 2000 and JPEG-LS in child processes (<see cref="CodecHostClient"/>): a native
    /// codec that crashes or hangs fails that frame with a <see cref="CodecFaultException"/>; the caller survives.
    /// </summary>
    public static PixelDataDecoder Isolated(CodecHostOptions? options = null)
    {
        var host = new CodecHostClient(options);
        return new PixelDataDecoder(BuiltInCodecs.Decoders(host)) { _ownedHost = host };
    }

    /// <summary>Whether native codecs run out of process.</summary>
    public bool IsolatesNativeCodecs => _ownedHost is not null;

    public void Dispose() => _ownedHost?.Dispose();

    public bool CanDecode(string transferSyntaxUid) => _decoders.ContainsKey(transferSyntaxUid);

    public StoredFrame DecodeStoredFrame(DicomFile file, int frameIndex = 0)
    {
        ArgumentNullException.ThrowIfNull(file);
        try
        {
            return DecodeCore(file, frameIndex);
        }
        catch (DicomException e)
        {
            throw e.WithFile(file.Source);
        }
    }

    private StoredFrame DecodeCore(DicomFile file, int frameIndex)
    {
        var dataset = file.Dataset;
        var pixelData = dataset[DicomTag.PixelData] ?? throw new DicomException(
            NonImageObjects.Describe(file) is { } kind ? $"no Pixel Data (7FE0,0010) element: {kind}, not an image" : "no Pixel Data (7FE0,0010) element",
            tag: DicomTag.PixelData);
        var pixels = PixelDescription.FromDataset(dataset);
        if (frameIndex < 0 || frameIndex >= pixels.NumberOfFrames)
        {
            throw new DicomException($"frame {frameIndex + 1} requested but the file has {pixels.NumberOfFrames}");
        }

        var syntax = file.TransferSyntax;
        int[] values;
        if (!syntax.Encapsulated)
        {
            if (pixelData.IsEncapsulated)
            {
                throw new DicomException($"pixel data is encapsulated but the transfer syntax {syntax.Uid} is native", tag: DicomTag.PixelData);
            }

            bool wordSwapped = syntax.BigEndian && pixelData.Vr == "OW" && pixels.BitsAllocated == 8;
            values = NativePixelReader.ReadFrame(pixelData.Value.Span, pixels, frameIndex, syntax.BigEndian, wordSwapped);
            StoredValues.Normalise(values, pixels.BitsStored, pixels.HighBit - pixels.BitsStored + 1, pixels.IsSigned);
            return new StoredFrame(pixels, values);
        }

        if (!pixelData.IsEncapsulated)
        {
            throw new DicomException($"transfer syntax {syntax.Uid} needs encapsulated pixel data, but the element has a defined length", tag: DicomTag.PixelData);
        }

        if (!_decoders.TryGetValue(syntax.Uid, out var decoder))
        {
            throw new UnsupportedTransferSyntaxException(syntax.Uid, detail: "no pixel decoder registered");
        }

        byte[] frame = FrameSplitter.GetFrame(dataset, pixelData, frameIndex, pixels.NumberOfFrames);
        values = DecodeWithCodec(decoder, frame, pixels, syntax);
        if (values.LongLength != pixels.SamplesPerFrame)
        {
            throw new DicomException($"{syntax.Name} decoder produced {values.Length} samples, expected {pixels.SamplesPerFrame}", tag: DicomTag.PixelData);
        }

        // Codecs return the sample value itself, so only masking and sign extension remain.
        StoredValues.Normalise(values, pixels.BitsStored, shift: 0, pixels.IsSigned);
        return new StoredFrame(pixels, values);
    }

    private static int[] DecodeWithCodec(IFrameDecoder decoder, byte[] frame, PixelDescription pixels, TransferSyntax syntax)
    {
        try
        {
            return decoder.Decode(frame, pixels.ToFrameInfo());
        }
        catch (UnsupportedTransferSyntaxException e) when (e.TransferSyntaxUid != syntax.Uid)
        {
            // Codecs serve several UIDs and do not know the file's; report the one the file declares.
            throw new UnsupportedTransferSyntaxException(syntax.Uid, detail: e.Detail);
        }
        catch (DicomException)
        {
            throw;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Third-party codecs signal corrupt streams with their own exception types.
            throw new DicomException($"{syntax.Name} pixel data could not be decoded: {e.Message}", tag: DicomTag.PixelData, inner: e);
        }
    }
}

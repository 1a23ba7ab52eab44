namespace TbScreen.Dicom.Codecs.Native;

/// <summary>
/// Function pointers into libopenjp2 (OpenJPEG 2.5 C API). Loaded once; when the library or a
/// symbol is missing, <see cref="Get"/> throws <see cref="UnsupportedTransferSyntaxException"/>
/// naming the Debian package to install.
/// </summary>
internal sealed unsafe class OpenJpegApi
{
    public const int CodecJ2K = 0;
    public const int CodecJP2 = 2;
    public const int ClrspcUnspecified = 0;
    public const int ClrspcSrgb = 1;
    public const int ClrspcGray = 2;
    public const string MissingDetail = "libopenjp2.so.7 not found; apt-get install libopenjp2-7";

    private static readonly Lazy<(OpenJpegApi? Api, string? Error)> Instance = new(Load);

    public delegate* unmanaged[Cdecl]<nint> Version;
    public delegate* unmanaged[Cdecl]<nuint, int, nint> StreamCreate;
    public delegate* unmanaged[Cdecl]<nint, void> StreamDestroy;
    public delegate* unmanaged[Cdecl]<nint, delegate* unmanaged[Cdecl]<void*, nuint, void*, nuint>, void> StreamSetReadFunction;
    public delegate* unmanaged[Cdecl]<nint, delegate* unmanaged[Cdecl]<void*, nuint, void*, nuint>, void> StreamSetWriteFunction;
    public delegate* unmanaged[Cdecl]<nint, delegate* unmanaged[Cdecl]<long, void*, long>, void> StreamSetSkipFunction;
    public delegate* unmanaged[Cdecl]<nint, delegate* unmanaged[Cdecl]<long, void*, int>, void> StreamSetSeekFunction;
    public delegate* unmanaged[Cdecl]<nint, void*, nint, void> StreamSetUserData;
    public delegate* unmanaged[Cdecl]<nint, ulong, void> StreamSetUserDataLength;
    public delegate* unmanaged[Cdecl]<int, nint> CreateDecompress;
    public delegate* unmanaged[Cdecl]<int, nint> CreateCompress;
    public delegate* unmanaged[Cdecl]<nint, void> DestroyCodec;
    public delegate* unmanaged[Cdecl]<nint, delegate* unmanaged[Cdecl]<byte*, void*, void>, void*, int> SetInfoHandler;
    public delegate* unmanaged[Cdecl]<nint, delegate* unmanaged[Cdecl]<byte*, void*, void>, void*, int> SetWarningHandler;
    public delegate* unmanaged[Cdecl]<nint, delegate* unmanaged[Cdecl]<byte*, void*, void>, void*, int> SetErrorHandler;
    public delegate* unmanaged[Cdecl]<void*, void> SetDefaultDecoderParameters;
    public delegate* unmanaged[Cdecl]<nint, void*, int> SetupDecoder;
    public delegate* unmanaged[Cdecl]<nint, int, int> CodecSetThreads;
    public delegate* unmanaged[Cdecl]<nint, nint, OpjImage**, int> ReadHeader;
    public delegate* unmanaged[Cdecl]<nint, nint, OpjImage*, int> Decode;
    public delegate* unmanaged[Cdecl]<nint, nint, int> EndDecompress;
    public delegate* unmanaged[Cdecl]<OpjImage*, void> ImageDestroy;
    public delegate* unmanaged[Cdecl]<uint, OpjImageCompParam*, int, OpjImage*> ImageCreate;
    public delegate* unmanaged[Cdecl]<OpjCParameters*, void> SetDefaultEncoderParameters;
    public delegate* unmanaged[Cdecl]<nint, OpjCParameters*, OpjImage*, int> SetupEncoder;
    public delegate* unmanaged[Cdecl]<nint, OpjImage*, nint, int> StartCompress;
    public delegate* unmanaged[Cdecl]<nint, nint, int> Encode;
    public delegate* unmanaged[Cdecl]<nint, nint, int> EndCompress;

    /// <summary>The loaded API, or throws with a clear install hint for <paramref name="transferSyntaxUid"/>.</summary>
    public static OpenJpegApi Get(string transferSyntaxUid)
    {
        var (api, error) = Instance.Value;
        return api ?? throw new UnsupportedTransferSyntaxException(transferSyntaxUid, detail: error);
    }

    /// <summary>True when libopenjp2 loaded and exports everything we call.</summary>
    public static bool IsAvailable => Instance.Value.Api is not null;

    private static (OpenJpegApi?, string?) Load()
    {
        var lib = NativeLibraryLoader.TryLoad("libopenjp2.so.7", "libopenjp2.so", "openjp2");
        if (lib is null)
        {
            return (null, MissingDetail);
        }

        try
        {
            var api = new OpenJpegApi
            {
                Version = (delegate* unmanaged[Cdecl]<nint>)lib.Export("opj_version"),
                StreamCreate = (delegate* unmanaged[Cdecl]<nuint, int, nint>)lib.Export("opj_stream_create"),
                StreamDestroy = (delegate* unmanaged[Cdecl]<nint, void>)lib.Export("opj_stream_destroy"),
                StreamSetReadFunction = (delegate* unmanaged[Cdecl]<nint, delegate* unmanaged[Cdecl]<void*, nuint, void*, nuint>, void>)lib.Export("opj_stream_set_read_function"),
                StreamSetWriteFunction = (delegate* unmanaged[Cdecl]<nint, delegate* unmanaged[Cdecl]<void*, nuint, void*, nuint>, void>)lib.Export("opj_stream_set_write_function"),
                StreamSetSkipFunction = (delegate* unmanaged[Cdecl]<nint, delegate* unmanaged[Cdecl]<long, void*, long>, void>)lib.Export("opj_stream_set_skip_function"),
                StreamSetSeekFunction = (delegate* unmanaged[Cdecl]<nint, delegate* unmanaged[Cdecl]<long, void*, int>, void>)lib.Export("opj_stream_set_seek_function"),
                StreamSetUserData = (delegate* unmanaged[Cdecl]<nint, void*, nint, void>)lib.Export("opj_stream_set_user_data"),
                StreamSetUserDataLength = (delegate* unmanaged[Cdecl]<nint, ulong, void>)lib.Export("opj_stream_set_user_data_length"),
                CreateDecompress = (delegate* unmanaged[Cdecl]<int, nint>)lib.Export("opj_create_decompress"),
                CreateCompress = (delegate* unmanaged[Cdecl]<int, nint>)lib.Export("opj_create_compress"),
                DestroyCodec = (delegate* unmanaged[Cdecl]<nint, void>)lib.Export("opj_destroy_codec"),
                SetInfoHandler = (delegate* unmanaged[Cdecl]<nint, delegate* unmanaged[Cdecl]<byte*, void*, void>, void*, int>)lib.Export("opj_set_info_handler"),
                SetWarningHandler = (delegate* unmanaged[Cdecl]<nint, delegate* unmanaged[Cdecl]<byte*, void*, void>, void*, int>)lib.Export("opj_set_warning_handler"),
                SetErrorHandler = (delegate* unmanaged[Cdecl]<nint, delegate* unmanaged[Cdecl]<byte*, void*, void>, void*, int>)lib.Export("opj_set_error_handler"),
                SetDefaultDecoderParameters = (delegate* unmanaged[Cdecl]<void*, void>)lib.Export("opj_set_default_decoder_parameters"),
                SetupDecoder = (delegate* unmanaged[Cdecl]<nint, void*, int>)lib.Export("opj_setup_decoder"),
                CodecSetThreads = (delegate* unmanaged[Cdecl]<nint, int, int>)lib.Export("opj_codec_set_threads"),
                ReadHeader = (delegate* unmanaged[Cdecl]<nint, nint, OpjImage**, int>)lib.Export("opj_read_header"),
                Decode = (delegate* unmanaged[Cdecl]<nint, nint, OpjImage*, int>)lib.Export("opj_decode"),
                EndDecompress = (delegate* unmanaged[Cdecl]<nint, nint, int>)lib.Export("opj_end_decompress"),
                ImageDestroy = (delegate* unmanaged[Cdecl]<OpjImage*, void>)lib.Export("opj_image_destroy"),
                ImageCreate = (delegate* unmanaged[Cdecl]<uint, OpjImageCompParam*, int, OpjImage*>)lib.Export("opj_image_create"),
                SetDefaultEncoderParameters = (delegate* unmanaged[Cdecl]<OpjCParameters*, void>)lib.Export("opj_set_default_encoder_parameters"),
                SetupEncoder = (delegate* unmanaged[Cdecl]<nint, OpjCParameters*, OpjImage*, int>)lib.Export("opj_setup_encoder"),
                StartCompress = (delegate* unmanaged[Cdecl]<nint, OpjImage*, nint, int>)lib.Export("opj_start_compress"),
                Encode = (delegate* unmanaged[Cdecl]<nint, nint, int>)lib.Export("opj_encode"),
                EndCompress = (delegate* unmanaged[Cdecl]<nint, nint, int>)lib.Export("opj_end_compress"),
            };
            return (api, null);
        }
        catch (EntryPointNotFoundException e)
        {
            return (null, $"{e.Message}; OpenJPEG 2.5 is required (apt-get install libopenjp2-7)");
        }
    }

    /// <summary>The library's version string, e.g. "2.5.0".</summary>
    public string VersionString => System.Runtime.InteropServices.Marshal.PtrToStringUTF8(Version()) ?? "?";

    /// <summary>The version as numbers ("2.5.0" is 2.5.0); 0.0 when the string does not parse.</summary>
    public Version ParsedVersion => ParseVersion(VersionString);

    internal static Version ParseVersion(string text)
    {
        string numeric = new(text.TakeWhile(c => char.IsAsciiDigit(c) || c == '.').ToArray());
        return System.Version.TryParse(numeric.TrimEnd('.'), out var version) ? version : new Version(0, 0);
    }
}

using System.Runtime.InteropServices;

namespace TbScreen.Dicom.Codecs.Native;

/// <summary>charls_frame_info from CharLS 2.x public_types.h.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct CharLsFrameInfo
{
    public uint Width;
    public uint Height;
    public int BitsPerSample;
    public int ComponentCount;
}

/// <summary>
/// Function pointers into libcharls (CharLS 2.x C API). Every call returns a charls_jpegls_errc
/// (0 = success). A missing library becomes UnsupportedTransferSyntaxException with an install hint.
/// </summary>
internal sealed unsafe class CharLsApi
{
    public const int InterleaveNone = 0;
    public const int InterleaveLine = 1;
    public const int InterleaveSample = 2;
    public const string MissingDetail = "libcharls.so.2 not found; apt-get install libcharls2";

    private static readonly Lazy<(CharLsApi? Api, string? Error)> Instance = new(Load);

    public delegate* unmanaged[Cdecl]<int, byte*> GetErrorMessage;
    public delegate* unmanaged[Cdecl]<nint> DecoderCreate;
    public delegate* unmanaged[Cdecl]<nint, void> DecoderDestroy;
    public delegate* unmanaged[Cdecl]<nint, void*, nuint, int> DecoderSetSourceBuffer;
    public delegate* unmanaged[Cdecl]<nint, int> DecoderReadHeader;
    public delegate* unmanaged[Cdecl]<nint, CharLsFrameInfo*, int> DecoderGetFrameInfo;
    public delegate* unmanaged[Cdecl]<nint, int*, int> DecoderGetInterleaveMode;
    public delegate* unmanaged[Cdecl]<nint, uint, nuint*, int> DecoderGetDestinationSize;
    public delegate* unmanaged[Cdecl]<nint, void*, nuint, uint, int> DecoderDecodeToBuffer;
    public delegate* unmanaged[Cdecl]<nint> EncoderCreate;
    public delegate* unmanaged[Cdecl]<nint, void> EncoderDestroy;
    public delegate* unmanaged[Cdecl]<nint, CharLsFrameInfo*, int> EncoderSetFrameInfo;
    public delegate* unmanaged[Cdecl]<nint, int, int> EncoderSetNearLossless;
    public delegate* unmanaged[Cdecl]<nint, int, int> EncoderSetInterleaveMode;
    public delegate* unmanaged[Cdecl]<nint, nuint*, int> EncoderGetEstimatedDestinationSize;
    public delegate* unmanaged[Cdecl]<nint, void*, nuint, int> EncoderSetDestinationBuffer;
    public delegate* unmanaged[Cdecl]<nint, void*, nuint, uint, int> EncoderEncodeFromBuffer;
    public delegate* unmanaged[Cdecl]<nint, nuint*, int> EncoderGetBytesWritten;

    public static CharLsApi Get(string transferSyntaxUid)
    {
        var (api, error) = Instance.Value;
        return api ?? throw new UnsupportedTransferSyntaxException(transferSyntaxUid, detail: error);
    }

    public static bool IsAvailable => Instance.Value.Api is not null;

    /// <summary>CharLS's text for an error code, e.g. "Invalid JPEG-LS marker".</summary>
    public string Message(int error) =>
        Marshal.PtrToStringUTF8((nint)GetErrorMessage(error)) ?? $"error {error}";

    private static (CharLsApi?, string?) Load()
    {
        var lib = NativeLibraryLoader.TryLoad("libcharls.so.2", "libcharls.so", "charls");
        if (lib is null)
        {
            return (null, MissingDetail);
        }

        try
        {
            var api = new CharLsApi
            {
                GetErrorMessage = (delegate* unmanaged[Cdecl]<int, byte*>)lib.Export("charls_get_error_message"),
                DecoderCreate = (delegate* unmanaged[Cdecl]<nint>)lib.Export("charls_jpegls_decoder_create"),
                DecoderDestroy = (delegate* unmanaged[Cdecl]<nint, void>)lib.Export("charls_jpegls_decoder_destroy"),
                DecoderSetSourceBuffer = (delegate* unmanaged[Cdecl]<nint, void*, nuint, int>)lib.Export("charls_jpegls_decoder_set_source_buffer"),
                DecoderReadHeader = (delegate* unmanaged[Cdecl]<nint, int>)lib.Export("charls_jpegls_decoder_read_header"),
                DecoderGetFrameInfo = (delegate* unmanaged[Cdecl]<nint, CharLsFrameInfo*, int>)lib.Export("charls_jpegls_decoder_get_frame_info"),
                DecoderGetInterleaveMode = (delegate* unmanaged[Cdecl]<nint, int*, int>)lib.Export("charls_jpegls_decoder_get_interleave_mode"),
                DecoderGetDestinationSize = (delegate* unmanaged[Cdecl]<nint, uint, nuint*, int>)lib.Export("charls_jpegls_decoder_get_destination_size"),
                DecoderDecodeToBuffer = (delegate* unmanaged[Cdecl]<nint, void*, nuint, uint, int>)lib.Export("charls_jpegls_decoder_decode_to_buffer"),
                EncoderCreate = (delegate* unmanaged[Cdecl]<nint>)lib.Export("charls_jpegls_encoder_create"),
                EncoderDestroy = (delegate* unmanaged[Cdecl]<nint, void>)lib.Export("charls_jpegls_encoder_destroy"),
                EncoderSetFrameInfo = (delegate* unmanaged[Cdecl]<nint, CharLsFrameInfo*, int>)lib.Export("charls_jpegls_encoder_set_frame_info"),
                EncoderSetNearLossless = (delegate* unmanaged[Cdecl]<nint, int, int>)lib.Export("charls_jpegls_encoder_set_near_lossless"),
                EncoderSetInterleaveMode = (delegate* unmanaged[Cdecl]<nint, int, int>)lib.Export("charls_jpegls_encoder_set_interleave_mode"),
                EncoderGetEstimatedDestinationSize = (delegate* unmanaged[Cdecl]<nint, nuint*, int>)lib.Export("charls_jpegls_encoder_get_estimated_destination_size"),
                EncoderSetDestinationBuffer = (delegate* unmanaged[Cdecl]<nint, void*, nuint, int>)lib.Export("charls_jpegls_encoder_set_destination_buffer"),
                EncoderEncodeFromBuffer = (delegate* unmanaged[Cdecl]<nint, void*, nuint, uint, int>)lib.Export("charls_jpegls_encoder_encode_from_buffer"),
                EncoderGetBytesWritten = (delegate* unmanaged[Cdecl]<nint, nuint*, int>)lib.Export("charls_jpegls_encoder_get_bytes_written"),
            };
            return (api, null);
        }
        catch (EntryPointNotFoundException e)
        {
            return (null, $"{e.Message}; CharLS 2.x is required (apt-get install libcharls2)");
        }
    }
}

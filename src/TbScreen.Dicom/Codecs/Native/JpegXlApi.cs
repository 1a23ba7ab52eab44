using System.Runtime.InteropServices;

namespace TbScreen.Dicom.Codecs.Native;

/// <summary>JxlBasicInfo from libjxl 0.7 codestream_header.h (the fields we read; the tail is the header's padding).</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct JxlBasicInfo
{
    public int HaveContainer;
    public uint XSize;
    public uint YSize;
    public uint BitsPerSample;
    public uint ExponentBitsPerSample;
    public float IntensityTarget;
    public float MinNits;
    public int RelativeToMaxDisplay;
    public float LinearBelow;
    public int UsesOriginalProfile;
    public int HavePreview;
    public int HaveAnimation;
    public int Orientation;
    public uint NumColorChannels;
    public uint NumExtraChannels;
    public uint AlphaBits;
    public uint AlphaExponentBits;
    public int AlphaPremultiplied;
    public uint PreviewXSize;
    public uint PreviewYSize;
    public uint AnimationTpsNumerator;
    public uint AnimationTpsDenominator;
    public uint AnimationNumLoops;
    public int AnimationHaveTimecodes;
    public uint IntrinsicXSize;
    public uint IntrinsicYSize;
    public fixed byte Padding[100];
}

/// <summary>JxlPixelFormat from libjxl types.h.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct JxlPixelFormat
{
    public uint NumChannels;
    public int DataType;
    public int Endianness;
    public nuint Align;
}

/// <summary>
/// Function pointers into libjxl's decoder (0.7 or later C API). A missing library becomes
/// UnsupportedTransferSyntaxException with the install hint.
/// </summary>
internal sealed unsafe class JpegXlApi
{
    public const string MissingDetail = "libjxl.so.0.7 not found; apt-get install libjxl0.7";

    public const int Success = 0;
    public const int Error = 1;
    public const int NeedMoreInput = 2;
    public const int NeedImageOutBuffer = 5;
    public const int BasicInfo = 0x40;
    public const int FullImage = 0x1000;
    public const int TypeUInt8 = 2;
    public const int TypeUInt16 = 3;
    public const int LittleEndian = 1;

    private static readonly Lazy<(JpegXlApi? Api, string? Error)> Instance = new(Load);

    public delegate* unmanaged[Cdecl]<uint> Version;
    public delegate* unmanaged[Cdecl]<nint, nint> Create;
    public delegate* unmanaged[Cdecl]<nint, void> Destroy;
    public delegate* unmanaged[Cdecl]<nint, int, int> SubscribeEvents;
    public delegate* unmanaged[Cdecl]<nint, int, int> SetKeepOrientation;
    public delegate* unmanaged[Cdecl]<nint, byte*, nuint, int> SetInput;
    public delegate* unmanaged[Cdecl]<nint, void> CloseInput;
    public delegate* unmanaged[Cdecl]<nint, int> ProcessInput;
    public delegate* unmanaged[Cdecl]<nint, JxlBasicInfo*, int> GetBasicInfo;
    public delegate* unmanaged[Cdecl]<nint, JxlPixelFormat*, nuint*, int> ImageOutBufferSize;
    public delegate* unmanaged[Cdecl]<nint, JxlPixelFormat*, void*, nuint, int> SetImageOutBuffer;

    public static JpegXlApi Get(string transferSyntaxUid)
    {
        var (api, error) = Instance.Value;
        return api ?? throw new UnsupportedTransferSyntaxException(transferSyntaxUid, detail: error);
    }

    public static bool IsAvailable => Instance.Value.Api is not null;

    private static (JpegXlApi?, string?) Load()
    {
        var lib = NativeLibraryLoader.TryLoad("libjxl.so.0.7", "libjxl.so.0.8", "libjxl.so.0.9", "libjxl.so.0.10", "libjxl.so.0.11", "libjxl.so", "jxl");
        if (lib is null)
        {
            return (null, MissingDetail);
        }

        try
        {
            var api = new JpegXlApi
            {
                Version = (delegate* unmanaged[Cdecl]<uint>)lib.Export("JxlDecoderVersion"),
                Create = (delegate* unmanaged[Cdecl]<nint, nint>)lib.Export("JxlDecoderCreate"),
                Destroy = (delegate* unmanaged[Cdecl]<nint, void>)lib.Export("JxlDecoderDestroy"),
                SubscribeEvents = (delegate* unmanaged[Cdecl]<nint, int, int>)lib.Export("JxlDecoderSubscribeEvents"),
                SetKeepOrientation = (delegate* unmanaged[Cdecl]<nint, int, int>)lib.Export("JxlDecoderSetKeepOrientation"),
                SetInput = (delegate* unmanaged[Cdecl]<nint, byte*, nuint, int>)lib.Export("JxlDecoderSetInput"),
                CloseInput = (delegate* unmanaged[Cdecl]<nint, void>)lib.Export("JxlDecoderCloseInput"),
                ProcessInput = (delegate* unmanaged[Cdecl]<nint, int>)lib.Export("JxlDecoderProcessInput"),
                GetBasicInfo = (delegate* unmanaged[Cdecl]<nint, JxlBasicInfo*, int>)lib.Export("JxlDecoderGetBasicInfo"),
                ImageOutBufferSize = (delegate* unmanaged[Cdecl]<nint, JxlPixelFormat*, nuint*, int>)lib.Export("JxlDecoderImageOutBufferSize"),
                SetImageOutBuffer = (delegate* unmanaged[Cdecl]<nint, JxlPixelFormat*, void*, nuint, int>)lib.Export("JxlDecoderSetImageOutBuffer"),
            };
            // The JxlBasicInfo layout above is 0.7's; 1.0 and later are also source-compatible with it.
            return api.Version() < 7000 ? (null, $"libjxl {api.Version()} is older than 0.7") : (api, null);
        }
        catch (EntryPointNotFoundException e)
        {
            return (null, $"{e.Message}; libjxl 0.7 or later is required (apt-get install libjxl0.7)");
        }
    }
}

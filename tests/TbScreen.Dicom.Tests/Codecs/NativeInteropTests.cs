using System.Runtime.InteropServices;
using TbScreen.Dicom.Codecs.Native;

namespace TbScreen.Dicom.Tests.Codecs;

/// <summary>Pins the hand-written struct mirrors to the OpenJPEG 2.5 / CharLS 2.x layouts (x64).</summary>
public sealed class NativeInteropTests
{
    [Fact]
    public void OpenJpegStructs_HaveTheHeaderLayout()
    {
        Assert.Equal(64, Marshal.SizeOf<OpjImageComp>());
        Assert.Equal(48, (int)Marshal.OffsetOf<OpjImageComp>(nameof(OpjImageComp.Data)));
        Assert.Equal(56, (int)Marshal.OffsetOf<OpjImageComp>(nameof(OpjImageComp.Alpha)));
        Assert.Equal(48, Marshal.SizeOf<OpjImage>());
        Assert.Equal(24, (int)Marshal.OffsetOf<OpjImage>(nameof(OpjImage.Comps)));
        Assert.Equal(36, Marshal.SizeOf<OpjImageCompParam>());
        Assert.Equal(16, Marshal.SizeOf<CharLsFrameInfo>());
    }

    [Fact]
    public void OpenJpegCParameters_HaveTheHeaderLayout()
    {
        // Offsets worked out from openjpeg.h 2.5 (opj_poc_t is 148 bytes, OPJ_PATH_LEN 4096).
        Assert.Equal(4800, (int)Marshal.OffsetOf<OpjCParameters>(nameof(OpjCParameters.TcpRates)));
        Assert.Equal(5600, (int)Marshal.OffsetOf<OpjCParameters>(nameof(OpjCParameters.NumResolution)));
        Assert.Equal(5616, (int)Marshal.OffsetOf<OpjCParameters>(nameof(OpjCParameters.Irreversible)));
        Assert.Equal(18698, (int)Marshal.OffsetOf<OpjCParameters>(nameof(OpjCParameters.TcpMct)));
        Assert.Equal(18720, Marshal.SizeOf<OpjCParameters>());
    }

    [Fact]
    public void InstalledLibraries_LoadAndReportVersions()
    {
        Assert.True(OpenJpegDecoder.IsAvailable, OpenJpegApi.MissingDetail);
        Assert.True(CharLsDecoder.IsAvailable, CharLsApi.MissingDetail);
        Assert.StartsWith("2.", OpenJpegApi.Get("1.2.840.10008.1.2.4.90").VersionString);
    }

    [Fact]
    public void MissingLibrary_IsNullNotAnException()
    {
        Assert.Null(NativeLibraryLoader.TryLoad("libtbscreen-does-not-exist.so.9", "tbscreen-nope"));
    }

    [Fact]
    public void MissingLibraryMessage_NamesThePackage()
    {
        var ex = new UnsupportedTransferSyntaxException("1.2.840.10008.1.2.4.90", detail: OpenJpegApi.MissingDetail);
        Assert.Equal(
            "unsupported transfer syntax 1.2.840.10008.1.2.4.90 (libopenjp2.so.7 not found; apt-get install libopenjp2-7)",
            ex.Message);
    }
}

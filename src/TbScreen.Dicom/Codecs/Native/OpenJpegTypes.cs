using System.Runtime.InteropServices;

namespace TbScreen.Dicom.Codecs.Native;

// Blittable mirrors of the OpenJPEG 2.5 structs we touch (src/lib/openjp2/openjpeg.h). Field
// order and types must match the header exactly; OpenJpegLayoutTests pins the sizes and offsets.

/// <summary>opj_image_comp_t.</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct OpjImageComp
{
    public uint Dx;
    public uint Dy;
    public uint W;
    public uint H;
    public uint X0;
    public uint Y0;
    public uint Prec;
    public uint Bpp; // deprecated in 2.5 but still present in the layout
    public uint Sgnd;
    public uint ResnoDecoded;
    public uint Factor;
    public int* Data;
    public ushort Alpha;
}

/// <summary>opj_image_t.</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct OpjImage
{
    public uint X0;
    public uint Y0;
    public uint X1;
    public uint Y1;
    public uint NumComps;
    public int ColorSpace;
    public OpjImageComp* Comps;
    public byte* IccProfileBuf;
    public uint IccProfileLen;
}

/// <summary>opj_image_cmptparm_t: what opj_image_create needs per component.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct OpjImageCompParam
{
    public uint Dx;
    public uint Dy;
    public uint W;
    public uint H;
    public uint X0;
    public uint Y0;
    public uint Prec;
    public uint Bpp;
    public uint Sgnd;
}

/// <summary>
/// opj_cparameters_t. The library memsets and reads the whole struct, so every field up to rsiz
/// is declared, including the command-line and JPWL leftovers we never use.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct OpjCParameters
{
    public const int PocSize = 148; // sizeof(opj_poc_t): 37 four-byte slots incl. char[5] padding
    public const int PathLen = 4096;

    public int TileSizeOn;
    public int CpTx0;
    public int CpTy0;
    public int CpTdx;
    public int CpTdy;
    public int CpDistoAlloc;
    public int CpFixedAlloc;
    public int CpFixedQuality;
    public int* CpMatrice;
    public byte* CpComment;
    public int Csty;
    public int ProgOrder;
    public fixed byte Poc[32 * PocSize];
    public uint NumPocs;
    public int TcpNumLayers;
    public fixed float TcpRates[100];
    public fixed float TcpDistoRatio[100];
    public int NumResolution;
    public int CblockwInit;
    public int CblockhInit;
    public int Mode;
    public int Irreversible;
    public int RoiCompno;
    public int RoiShift;
    public int ResSpec;
    public fixed int PrcwInit[33];
    public fixed int PrchInit[33];
    public fixed byte InFile[PathLen];
    public fixed byte OutFile[PathLen];
    public int IndexOn;
    public fixed byte Index[PathLen];
    public int ImageOffsetX0;
    public int ImageOffsetY0;
    public int SubsamplingDx;
    public int SubsamplingDy;
    public int DecodFormat;
    public int CodFormat;
    public int JpwlEpcOn;
    public int JpwlHprotMH;
    public fixed int JpwlHprotTphTileno[16];
    public fixed int JpwlHprotTph[16];
    public fixed int JpwlPprotTileno[16];
    public fixed int JpwlPprotPackno[16];
    public fixed int JpwlPprot[16];
    public int JpwlSensSize;
    public int JpwlSensAddr;
    public int JpwlSensRange;
    public int JpwlSensMH;
    public fixed int JpwlSensTphTileno[16];
    public fixed int JpwlSensTph[16];
    public int CpCinema;
    public int MaxCompSize;
    public int CpRsiz;
    public byte TpOn;
    public byte TpFlag;
    public byte TcpMct;
    public int JpipOn;
    public void* MctData;
    public int MaxCsSize;
    public ushort Rsiz;
}

namespace TbScreen.Dicom.Codecs.Jpeg;

/// <summary>Second bytes of the JPEG markers (ITU T.81 Table B.1) that our lossless codec cares about.</summary>
internal static class JpegMarkers
{
    public const byte Sof0 = 0xC0;
    public const byte Sof3 = 0xC3;
    public const byte Dht = 0xC4;
    public const byte Dac = 0xCC;
    public const byte Rst0 = 0xD0;
    public const byte Rst7 = 0xD7;
    public const byte Soi = 0xD8;
    public const byte Eoi = 0xD9;
    public const byte Sos = 0xDA;
    public const byte Dnl = 0xDC;
    public const byte Dri = 0xDD;
    public const byte Tem = 0x01;

    /// <summary>SOF0..SOF15 except DHT (C4), JPG (C8) and DAC (CC).</summary>
    public static bool IsStartOfFrame(byte m) => m >= 0xC0 && m <= 0xCF && m != Dht && m != 0xC8 && m != Dac;

    public static bool IsRestart(byte m) => m >= Rst0 && m <= Rst7;

    /// <summary>Markers that stand alone, without a length field.</summary>
    public static bool IsStandalone(byte m) => m == Tem || IsRestart(m) || m == Soi || m == Eoi;
}

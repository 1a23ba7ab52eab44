namespace TbScreen.Dicom.Network.Dimse;

/// <summary>Command Field (0000,0100) values (PS3.7 E.1); a response is its request with bit 15 set.</summary>
internal static class CommandField
{
    public const ushort CStoreRequest = 0x0001;
    public const ushort CStoreResponse = 0x8001;
    public const ushort CGetRequest = 0x0010;
    public const ushort CGetResponse = 0x8010;
    public const ushort CFindRequest = 0x0020;
    public const ushort CFindResponse = 0x8020;
    public const ushort CMoveRequest = 0x0021;
    public const ushort CMoveResponse = 0x8021;
    public const ushort CEchoRequest = 0x0030;
    public const ushort CEchoResponse = 0x8030;
    public const ushort CCancelRequest = 0x0FFF;
    public const ushort NEventReportRequest = 0x0100;
    public const ushort NEventReportResponse = 0x8100;
    public const ushort NActionRequest = 0x0130;
    public const ushort NActionResponse = 0x8130;
    public const ushort ResponseBit = 0x8000;

    public static bool IsResponse(ushort field) => (field & ResponseBit) != 0;
}

using System.Buffers.Binary;
using System.Text;

namespace TbScreen.Dicom.Network.Pdus;

/// <summary>Serialises PDUs; every multi-byte field is big endian (PS3.8 9.3.1).</summary>
internal static class PduEncoder
{
    public const int HeaderLength = 6;

    public static byte[] Encode(Pdu pdu)
    {
        var body = new MemoryStream();
        switch (pdu)
        {
            case AssociateRequestPdu rq:
                WriteAssociateHeader(body, rq.ProtocolVersion, rq.CalledAeTitle, rq.CallingAeTitle);
                WriteItem(body, PduItemType.ApplicationContext, Ascii(rq.ApplicationContext));
                foreach (var pc in rq.PresentationContexts)
                {
                    var item = new MemoryStream();
                    item.Write([pc.Id, 0, 0, 0]);
                    WriteItem(item, PduItemType.AbstractSyntax, Ascii(pc.AbstractSyntax));
                    foreach (var ts in pc.TransferSyntaxes)
                    {
                        WriteItem(item, PduItemType.TransferSyntax, Ascii(ts));
                    }

                    WriteItem(body, PduItemType.PresentationContextRequest, item.ToArray());
                }

                WriteUserInformation(body, rq.UserInformation);
                break;
            case AssociateAcceptPdu ac:
                WriteAssociateHeader(body, ac.ProtocolVersion, ac.CalledAeTitle, ac.CallingAeTitle);
                WriteItem(body, PduItemType.ApplicationContext, Ascii(ac.ApplicationContext));
                foreach (var pc in ac.PresentationContexts)
                {
                    var item = new MemoryStream();
                    item.Write([pc.Id, 0, (byte)pc.Outcome, 0]);
                    WriteItem(item, PduItemType.TransferSyntax, Ascii(pc.TransferSyntax));
                    WriteItem(body, PduItemType.PresentationContextAccept, item.ToArray());
                }

                WriteUserInformation(body, ac.UserInformation);
                break;
            case AssociateRejectPdu rj:
                body.Write([0, (byte)rj.Result, (byte)rj.Source, rj.Reason]);
                break;
            case DataTransferPdu data:
                foreach (var pdv in data.Values)
                {
                    WriteUInt32(body, (uint)pdv.Fragment.Length + 2);
                    body.WriteByte(pdv.PresentationContextId);
                    body.WriteByte(MessageControlHeader(pdv.IsCommand, pdv.IsLast));
                    body.Write(pdv.Fragment.Span);
                }

                break;
            case ReleaseRequestPdu or ReleaseResponsePdu:
                body.Write([0, 0, 0, 0]);
                break;
            case AbortPdu abort:
                body.Write([0, 0, (byte)abort.Source, (byte)abort.Reason]);
                break;
            default:
                throw new ArgumentException($"Unknown PDU {pdu.GetType().Name}.", nameof(pdu));
        }

        var output = new byte[HeaderLength + body.Length];
        WriteHeader(output, pdu.Type, (uint)body.Length);
        body.Position = 0;
        body.ReadExactly(output.AsSpan(HeaderLength));
        return output;
    }

    /// <summary>PS3.8 E.2: bit 0 set for a command fragment, bit 1 set for the last fragment.</summary>
    public static byte MessageControlHeader(bool isCommand, bool isLast) => (byte)((isCommand ? 1 : 0) | (isLast ? 2 : 0));

    public static void WriteHeader(Span<byte> destination, PduType type, uint length)
    {
        destination[0] = (byte)type;
        destination[1] = 0;
        BinaryPrimitives.WriteUInt32BigEndian(destination[2..], length);
    }

    private static void WriteAssociateHeader(Stream body, ushort version, string called, string calling)
    {
        Span<byte> fixedPart = stackalloc byte[68];
        fixedPart.Clear();
        BinaryPrimitives.WriteUInt16BigEndian(fixedPart, version);
        WriteAeTitle(fixedPart.Slice(4, 16), called);
        WriteAeTitle(fixedPart.Slice(20, 16), calling);
        body.Write(fixedPart);
    }

    /// <summary>AE titles fill 16 bytes, padded with spaces (PS3.8 9.3.2).</summary>
    private static void WriteAeTitle(Span<byte> field, string title)
    {
        field.Fill((byte)' ');
        Encoding.ASCII.GetBytes(title.AsSpan(0, Math.Min(16, title.Length)), field);
    }

    private static void WriteUserInformation(Stream body, UserInformation info)
    {
        var item = new MemoryStream();
        var maxLength = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(maxLength, info.MaxPduLength);
        WriteItem(item, PduItemType.MaximumLength, maxLength);
        if (info.ImplementationClassUid is not null)
        {
            WriteItem(item, PduItemType.ImplementationClassUid, Ascii(info.ImplementationClassUid));
        }

        foreach (var role in info.RoleSelections)
        {
            byte[] uid = Ascii(role.SopClassUid);
            var sub = new byte[uid.Length + 4];
            BinaryPrimitives.WriteUInt16BigEndian(sub, (ushort)uid.Length);
            uid.CopyTo(sub, 2);
            sub[^2] = role.RequestorIsScu ? (byte)1 : (byte)0;
            sub[^1] = role.RequestorIsScp ? (byte)1 : (byte)0;
            WriteItem(item, PduItemType.RoleSelection, sub);
        }

        if (info.ImplementationVersionName is not null)
        {
            WriteItem(item, PduItemType.ImplementationVersionName, Ascii(info.ImplementationVersionName));
        }

        WriteItem(body, PduItemType.UserInformation, item.ToArray());
    }

    private static void WriteItem(Stream output, byte type, ReadOnlySpan<byte> value)
    {
        if (value.Length > ushort.MaxValue)
        {
            throw new ArgumentException($"Item 0x{type:X2} of {value.Length} bytes does not fit a 16-bit length.");
        }

        Span<byte> header = [type, 0, 0, 0];
        BinaryPrimitives.WriteUInt16BigEndian(header[2..], (ushort)value.Length);
        output.Write(header);
        output.Write(value);
    }

    private static void WriteUInt32(Stream output, uint value)
    {
        Span<byte> b = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(b, value);
        output.Write(b);
    }

    // UIDs and names travel unpadded in items (PS3.8 Annex F); receivers strip a trailing NUL anyway.
    private static byte[] Ascii(string value) => Encoding.ASCII.GetBytes(value);
}

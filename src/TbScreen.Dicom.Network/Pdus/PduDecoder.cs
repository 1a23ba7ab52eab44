using System.Buffers.Binary;

namespace TbScreen.Dicom.Network.Pdus;

/// <summary>
/// Parses PDU bodies (everything after the 6-byte header). Every length is checked against the bytes that remain
/// before it is used, and nothing is allocated from a length field: a bad field raises <see cref="PduException"/>
/// with the A-ABORT reason the standard gives for it (PS3.8 9.3.8).
/// </summary>
internal static class PduDecoder
{
    private const int AssociateFixedLength = 68;
    private const int MaxUidLength = 64;

    public static bool IsKnownType(byte type) => type is >= 0x01 and <= 0x07;

    public static Pdu Decode(PduType type, ReadOnlyMemory<byte> body) => type switch
    {
        PduType.AssociateRequest => DecodeAssociateRequest(body.Span),
        PduType.AssociateAccept => DecodeAssociateAccept(body.Span),
        PduType.AssociateReject => DecodeFixed(body.Span, b => new AssociateRejectPdu((AssociationRejectResult)b[1], (AssociationRejectSource)b[2], b[3])),
        PduType.DataTransfer => DecodeDataTransfer(body),
        PduType.ReleaseRequest => DecodeFixed(body.Span, _ => new ReleaseRequestPdu()),
        PduType.ReleaseResponse => DecodeFixed(body.Span, _ => new ReleaseResponsePdu()),
        PduType.Abort => DecodeFixed(body.Span, b => new AbortPdu((AbortSource)b[2], (AbortReason)b[3])),
        _ => throw new PduException(AbortReason.UnrecognizedPdu, $"unrecognized PDU type 0x{(byte)type:X2}"),
    };

    private static Pdu DecodeFixed(ReadOnlySpan<byte> body, Func<byte[], Pdu> create)
    {
        if (body.Length != 4)
        {
            throw new PduException(AbortReason.InvalidPduParameterValue, $"PDU length {body.Length}, the standard fixes it at 4");
        }

        return create(body.ToArray());
    }

    private static AssociateRequestPdu DecodeAssociateRequest(ReadOnlySpan<byte> body)
    {
        var (version, called, calling) = ReadAssociateHeader(body);
        string? context = null;
        var contexts = new List<PresentationContextProposal>();
        UserInformation? user = null;
        foreach (var (type, value) in Items(body[AssociateFixedLength..], "A-ASSOCIATE-RQ"))
        {
            switch (type)
            {
                case PduItemType.ApplicationContext:
                    context = Uid(value, "application context name");
                    break;
                case PduItemType.PresentationContextRequest:
                    contexts.Add(DecodeProposal(value));
                    break;
                case PduItemType.UserInformation:
                    user = DecodeUserInformation(value);
                    break;
                default:
                    throw new PduException(AbortReason.UnrecognizedPduParameter, $"unrecognized item type 0x{type:X2} in A-ASSOCIATE-RQ");
            }
        }

        RequireUniqueIds(contexts.Select(c => c.Id));
        return new AssociateRequestPdu(called, calling, context ?? throw Missing("application context item"), contexts,
            user ?? throw Missing("user information item"), version);
    }

    private static AssociateAcceptPdu DecodeAssociateAccept(ReadOnlySpan<byte> body)
    {
        var (version, called, calling) = ReadAssociateHeader(body);
        string? context = null;
        var contexts = new List<PresentationContextResult>();
        UserInformation? user = null;
        foreach (var (type, value) in Items(body[AssociateFixedLength..], "A-ASSOCIATE-AC"))
        {
            switch (type)
            {
                case PduItemType.ApplicationContext:
                    context = Uid(value, "application context name");
                    break;
                case PduItemType.PresentationContextAccept:
                    contexts.Add(DecodeResult(value));
                    break;
                case PduItemType.UserInformation:
                    user = DecodeUserInformation(value);
                    break;
                default:
                    throw new PduException(AbortReason.UnrecognizedPduParameter, $"unrecognized item type 0x{type:X2} in A-ASSOCIATE-AC");
            }
        }

        RequireUniqueIds(contexts.Select(c => c.Id));
        return new AssociateAcceptPdu(called, calling, context ?? throw Missing("application context item"), contexts,
            user ?? throw Missing("user information item"), version);
    }

    private static (ushort Version, string Called, string Calling) ReadAssociateHeader(ReadOnlySpan<byte> body)
    {
        if (body.Length < AssociateFixedLength)
        {
            throw new PduException(AbortReason.InvalidPduParameterValue, $"A-ASSOCIATE PDU of {body.Length} bytes is shorter than its {AssociateFixedLength}-byte fixed part");
        }

        return (BinaryPrimitives.ReadUInt16BigEndian(body), AeTitle(body.Slice(4, 16)), AeTitle(body.Slice(20, 16)));
    }

    private static PresentationContextProposal DecodeProposal(ReadOnlySpan<byte> value)
    {
        if (value.Length < 4)
        {
            throw new PduException(AbortReason.InvalidPduParameterValue, "presentation context item shorter than 4 bytes");
        }

        string? abstractSyntax = null;
        var transferSyntaxes = new List<string>();
        foreach (var (type, sub) in Items(value[4..], "presentation context"))
        {
            switch (type)
            {
                case PduItemType.AbstractSyntax when abstractSyntax is null:
                    abstractSyntax = Uid(sub, "abstract syntax");
                    break;
                case PduItemType.TransferSyntax:
                    transferSyntaxes.Add(Uid(sub, "transfer syntax"));
                    break;
                default:
                    throw new PduException(AbortReason.UnexpectedPduParameter, $"unexpected sub-item 0x{type:X2} in presentation context {value[0]}");
            }
        }

        if (abstractSyntax is null || transferSyntaxes.Count == 0)
        {
            throw new PduException(AbortReason.InvalidPduParameterValue, $"presentation context {value[0]} lacks an abstract syntax or a transfer syntax");
        }

        return new PresentationContextProposal(value[0], abstractSyntax, transferSyntaxes);
    }

    private static PresentationContextResult DecodeResult(ReadOnlySpan<byte> value)
    {
        if (value.Length < 4)
        {
            throw new PduException(AbortReason.InvalidPduParameterValue, "presentation context item shorter than 4 bytes");
        }

        var outcome = (PresentationContextOutcome)value[2];
        if (outcome > PresentationContextOutcome.TransferSyntaxesNotSupported)
        {
            throw new PduException(AbortReason.InvalidPduParameterValue, $"presentation context result {value[2]} is not defined");
        }

        string transferSyntax = string.Empty;
        foreach (var (type, sub) in Items(value[4..], "presentation context"))
        {
            if (type != PduItemType.TransferSyntax)
            {
                throw new PduException(AbortReason.UnexpectedPduParameter, $"unexpected sub-item 0x{type:X2} in presentation context {value[0]}");
            }

            // The sub-item is not significant unless the context was accepted (PS3.8 9.3.3.2).
            transferSyntax = outcome == PresentationContextOutcome.Acceptance ? Uid(sub, "transfer syntax") : string.Empty;
        }

        if (outcome == PresentationContextOutcome.Acceptance && transferSyntax.Length == 0)
        {
            throw new PduException(AbortReason.InvalidPduParameterValue, $"accepted presentation context {value[0]} names no transfer syntax");
        }

        return new PresentationContextResult(value[0], outcome, transferSyntax);
    }

    private static UserInformation DecodeUserInformation(ReadOnlySpan<byte> value)
    {
        uint maxLength = 0;
        string? classUid = null;
        string? versionName = null;
        var roles = new List<RoleSelection>();
        foreach (var (type, sub) in Items(value, "user information"))
        {
            switch (type)
            {
                case PduItemType.MaximumLength:
                    if (sub.Length != 4)
                    {
                        throw new PduException(AbortReason.InvalidPduParameterValue, $"maximum length sub-item of {sub.Length} bytes, not 4");
                    }

                    maxLength = BinaryPrimitives.ReadUInt32BigEndian(sub);
                    break;
                case PduItemType.ImplementationClassUid:
                    classUid = Uid(sub, "implementation class UID");
                    break;
                case PduItemType.ImplementationVersionName:
                    versionName = Text(sub, 16, "implementation version name");
                    break;
                case PduItemType.RoleSelection:
                    roles.Add(DecodeRoleSelection(sub));
                    break;
                default:
                    // Asynchronous operations, extended negotiation, user identity, and whatever a later
                    // edition adds: acceptors must ignore what they do not support (PS3.8 D.2, note 2).
                    break;
            }
        }

        return new UserInformation(maxLength, classUid, versionName) { RoleSelections = roles };
    }

    /// <summary>UID-length (2), SOP class UID, SCU-role (1), SCP-role (1): PS3.7 D.3.3.4.</summary>
    private static RoleSelection DecodeRoleSelection(ReadOnlySpan<byte> sub)
    {
        if (sub.Length < 4)
        {
            throw new PduException(AbortReason.InvalidPduParameterValue, $"role selection sub-item of {sub.Length} bytes, shorter than its fixed fields");
        }

        int uidLength = BinaryPrimitives.ReadUInt16BigEndian(sub);
        if (uidLength != sub.Length - 4)
        {
            throw new PduException(AbortReason.InvalidPduParameterValue, $"role selection sub-item of {sub.Length} bytes with a UID length of {uidLength}");
        }

        byte scu = sub[2 + uidLength];
        byte scp = sub[3 + uidLength];
        if (scu > 1 || scp > 1)
        {
            throw new PduException(AbortReason.InvalidPduParameterValue, $"role selection values {scu} and {scp}; only 0 and 1 are defined");
        }

        return new RoleSelection(Uid(sub.Slice(2, uidLength), "role selection SOP class UID"), scu == 1, scp == 1);
    }

    private static DataTransferPdu DecodeDataTransfer(ReadOnlyMemory<byte> body)
    {
        var values = new List<PresentationDataValue>();
        var span = body.Span;
        int position = 0;
        while (position < span.Length)
        {
            if (span.Length - position < 4)
            {
                throw new PduException(AbortReason.InvalidPduParameterValue, "truncated presentation data value item header");
            }

            uint itemLength = BinaryPrimitives.ReadUInt32BigEndian(span[position..]);
            if (itemLength < 2 || itemLength > (uint)(span.Length - position - 4))
            {
                throw new PduException(AbortReason.InvalidPduParameterValue, $"presentation data value item length {itemLength} does not fit the {span.Length - position - 4} bytes that remain");
            }

            byte contextId = span[position + 4];
            byte header = span[position + 5];
            // Bits 2-7 of the message control header are never checked by the receiver (PS3.8 E.2).
            values.Add(new PresentationDataValue(contextId, (header & 1) != 0, (header & 2) != 0, body.Slice(position + 6, (int)itemLength - 2)));
            position += 4 + (int)itemLength;
        }

        if (values.Count == 0)
        {
            throw new PduException(AbortReason.InvalidPduParameterValue, "P-DATA-TF PDU without presentation data value items");
        }

        return new DataTransferPdu(values);
    }

    private static List<(byte Type, byte[] Value)> Items(ReadOnlySpan<byte> data, string where)
    {
        var items = new List<(byte, byte[])>();
        int position = 0;
        while (position < data.Length)
        {
            if (data.Length - position < 4)
            {
                throw new PduException(AbortReason.InvalidPduParameterValue, $"truncated item header in {where}");
            }

            byte type = data[position];
            int length = BinaryPrimitives.ReadUInt16BigEndian(data[(position + 2)..]);
            if (length > data.Length - position - 4)
            {
                throw new PduException(AbortReason.InvalidPduParameterValue, $"item 0x{type:X2} length {length} exceeds the {data.Length - position - 4} bytes left in {where}");
            }

            items.Add((type, data.Slice(position + 4, length).ToArray()));
            position += 4 + length;
        }

        return items;
    }

    private static void RequireUniqueIds(IEnumerable<byte> ids)
    {
        var seen = new HashSet<byte>();
        foreach (byte id in ids)
        {
            if (!seen.Add(id))
            {
                throw new PduException(AbortReason.InvalidPduParameterValue, $"presentation context ID {id} appears twice");
            }
        }
    }

    /// <summary>Leading and trailing spaces of an AE title are not significant (PS3.5 6.2, AE).</summary>
    private static string AeTitle(ReadOnlySpan<byte> field) => Printable(field).Trim(' ', '\0');

    private static string Uid(ReadOnlySpan<byte> value, string what)
    {
        string text = Printable(value).TrimEnd('\0', ' ');
        if (text.Length == 0 || text.Length > MaxUidLength)
        {
            throw new PduException(AbortReason.InvalidPduParameterValue, $"{what} of {text.Length} characters (1 to {MaxUidLength} allowed)");
        }

        return text;
    }

    private static string Text(ReadOnlySpan<byte> value, int maxLength, string what)
    {
        string text = Printable(value).TrimEnd('\0', ' ');
        return text.Length > maxLength
            ? throw new PduException(AbortReason.InvalidPduParameterValue, $"{what} longer than {maxLength} characters")
            : text;
    }

    /// <summary>Bytes outside printable ASCII become '?' so a hostile value never reaches a log as control characters.</summary>
    private static string Printable(ReadOnlySpan<byte> value)
    {
        var chars = new char[value.Length];
        for (int i = 0; i < value.Length; i++)
        {
            byte b = value[i];
            chars[i] = b is 0 or (>= 0x20 and < 0x7F) ? (char)b : '?';
        }

        return new string(chars);
    }

    private static PduException Missing(string what) => new(AbortReason.InvalidPduParameterValue, $"A-ASSOCIATE PDU without its {what}");
}

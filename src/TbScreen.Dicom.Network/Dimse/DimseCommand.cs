using System.Buffers.Binary;
using System.Text;

namespace TbScreen.Dicom.Network.Dimse;

/// <summary>
/// A DIMSE command set: the group 0000 elements of C-ECHO, C-STORE, C-FIND, C-MOVE, C-GET, N-ACTION and N-EVENT-REPORT requests and responses. Command sets are
/// always Implicit VR Little Endian whatever the presentation context says (PS3.7 6.3.1), so this codec is fixed.
/// </summary>
internal sealed record DimseCommand
{
    public ushort CommandField { get; init; }

    public string? AffectedSopClassUid { get; init; }

    public ushort? MessageId { get; init; }

    public ushort? MessageIdBeingRespondedTo { get; init; }

    public ushort? Priority { get; init; }

    public bool HasDataSet { get; init; }

    public ushort? Status { get; init; }

    public string? ErrorComment { get; init; }

    public string? AffectedSopInstanceUid { get; init; }

    /// <summary>Requested SOP Class UID (0000,0003): the class an N-ACTION acts on.</summary>
    public string? RequestedSopClassUid { get; init; }

    /// <summary>Requested SOP Instance UID (0000,1001): the instance an N-ACTION acts on.</summary>
    public string? RequestedSopInstanceUid { get; init; }

    /// <summary>Event Type ID (0000,1002) of an N-EVENT-REPORT request and its response.</summary>
    public ushort? EventTypeId { get; init; }

    /// <summary>Action Type ID (0000,1008) of an N-ACTION request and its response.</summary>
    public ushort? ActionTypeId { get; init; }

    /// <summary>Move Destination (0000,0600): the AE title a C-MOVE sends to.</summary>
    public string? MoveDestination { get; init; }

    public ushort? RemainingSuboperations { get; init; }

    public ushort? CompletedSuboperations { get; init; }

    public ushort? FailedSuboperations { get; init; }

    public ushort? WarningSuboperations { get; init; }

    public string? MoveOriginatorAeTitle { get; init; }

    public ushort? MoveOriginatorMessageId { get; init; }

    public byte[] Encode()
    {
        var elements = new MemoryStream();
        WriteString(elements, CommandTags.AffectedSopClassUid, AffectedSopClassUid, padding: 0);
        WriteString(elements, CommandTags.RequestedSopClassUid, RequestedSopClassUid, padding: 0);
        WriteUInt16(elements, CommandTags.CommandField, CommandField);
        WriteUInt16(elements, CommandTags.MessageId, MessageId);
        WriteUInt16(elements, CommandTags.MessageIdBeingRespondedTo, MessageIdBeingRespondedTo);
        WriteString(elements, CommandTags.MoveDestination, MoveDestination, padding: (byte)' ');
        WriteUInt16(elements, CommandTags.Priority, Priority);
        // Any value but 0x0101 means a data set follows (PS3.7 E.1).
        WriteUInt16(elements, CommandTags.CommandDataSetType, HasDataSet ? (ushort)0x0000 : CommandTags.NoDataSet);
        WriteUInt16(elements, CommandTags.Status, Status);
        WriteString(elements, CommandTags.ErrorComment, ErrorComment, padding: (byte)' ');
        WriteString(elements, CommandTags.AffectedSopInstanceUid, AffectedSopInstanceUid, padding: 0);
        WriteString(elements, CommandTags.RequestedSopInstanceUid, RequestedSopInstanceUid, padding: 0);
        WriteUInt16(elements, CommandTags.EventTypeId, EventTypeId);
        WriteUInt16(elements, CommandTags.ActionTypeId, ActionTypeId);
        WriteUInt16(elements, CommandTags.NumberOfRemainingSuboperations, RemainingSuboperations);
        WriteUInt16(elements, CommandTags.NumberOfCompletedSuboperations, CompletedSuboperations);
        WriteUInt16(elements, CommandTags.NumberOfFailedSuboperations, FailedSuboperations);
        WriteUInt16(elements, CommandTags.NumberOfWarningSuboperations, WarningSuboperations);
        WriteString(elements, CommandTags.MoveOriginatorAeTitle, MoveOriginatorAeTitle, padding: (byte)' ');
        WriteUInt16(elements, CommandTags.MoveOriginatorMessageId, MoveOriginatorMessageId);

        var output = new byte[12 + elements.Length];
        WriteHeader(output, CommandTags.CommandGroupLength, 4);
        BinaryPrimitives.WriteUInt32LittleEndian(output.AsSpan(8), (uint)elements.Length);
        elements.Position = 0;
        elements.ReadExactly(output.AsSpan(12));
        return output;
    }

    /// <summary>
    /// Parses a command set; elements we do not use are skipped, a malformed one raises <see cref="DimseFormatException"/>.
    /// The command ends where its Command Group Length (0000,0000) says: bytes after it are ignored. Orthanc 1.10's C-GET
    /// SCP appends the identifier of a failed retrieve (Failed SOP Instance UID List) to the command set of its final
    /// response instead of sending it as a data set; its group length still counts group 0000 alone.
    /// </summary>
    public static DimseCommand Decode(ReadOnlySpan<byte> bytes)
    {
        var command = new DimseCommand();
        bool hasField = false;
        int position = 0;
        int end = bytes.Length;
        while (position < end)
        {
            if (bytes.Length - position < 8)
            {
                throw new DimseFormatException($"truncated command element header at byte {position}");
            }

            uint tag = ((uint)BinaryPrimitives.ReadUInt16LittleEndian(bytes[position..]) << 16) | BinaryPrimitives.ReadUInt16LittleEndian(bytes[(position + 2)..]);
            uint length = BinaryPrimitives.ReadUInt32LittleEndian(bytes[(position + 4)..]);
            if (tag >> 16 != 0)
            {
                throw new DimseFormatException($"element {DicomTag.Format(tag)} outside group 0000 in a command set");
            }

            if (length > (uint)(bytes.Length - position - 8))
            {
                throw new DimseFormatException($"command element {DicomTag.Format(tag)} length {length} exceeds the {bytes.Length - position - 8} bytes that remain");
            }

            var value = bytes.Slice(position + 8, (int)length);
            position += 8 + (int)length;
            switch (tag)
            {
                case CommandTags.CommandGroupLength when length == 4:
                    end = (int)Math.Min(bytes.Length, position + (long)BinaryPrimitives.ReadUInt32LittleEndian(value));
                    break;
                case CommandTags.AffectedSopClassUid:
                    command = command with { AffectedSopClassUid = String(value) };
                    break;
                case CommandTags.CommandField:
                    command = command with { CommandField = UInt16(value, tag) };
                    hasField = true;
                    break;
                case CommandTags.MessageId:
                    command = command with { MessageId = UInt16(value, tag) };
                    break;
                case CommandTags.MessageIdBeingRespondedTo:
                    command = command with { MessageIdBeingRespondedTo = UInt16(value, tag) };
                    break;
                case CommandTags.Priority:
                    command = command with { Priority = UInt16(value, tag) };
                    break;
                case CommandTags.CommandDataSetType:
                    command = command with { HasDataSet = UInt16(value, tag) != CommandTags.NoDataSet };
                    break;
                case CommandTags.Status:
                    command = command with { Status = UInt16(value, tag) };
                    break;
                case CommandTags.ErrorComment:
                    command = command with { ErrorComment = String(value) };
                    break;
                case CommandTags.AffectedSopInstanceUid:
                    command = command with { AffectedSopInstanceUid = String(value) };
                    break;
                case CommandTags.RequestedSopClassUid:
                    command = command with { RequestedSopClassUid = String(value) };
                    break;
                case CommandTags.RequestedSopInstanceUid:
                    command = command with { RequestedSopInstanceUid = String(value) };
                    break;
                case CommandTags.EventTypeId:
                    command = command with { EventTypeId = UInt16(value, tag) };
                    break;
                case CommandTags.ActionTypeId:
                    command = command with { ActionTypeId = UInt16(value, tag) };
                    break;
                case CommandTags.MoveDestination:
                    command = command with { MoveDestination = String(value) };
                    break;
                case CommandTags.NumberOfRemainingSuboperations:
                    command = command with { RemainingSuboperations = UInt16(value, tag) };
                    break;
                case CommandTags.NumberOfCompletedSuboperations:
                    command = command with { CompletedSuboperations = UInt16(value, tag) };
                    break;
                case CommandTags.NumberOfFailedSuboperations:
                    command = command with { FailedSuboperations = UInt16(value, tag) };
                    break;
                case CommandTags.NumberOfWarningSuboperations:
                    command = command with { WarningSuboperations = UInt16(value, tag) };
                    break;
                case CommandTags.MoveOriginatorAeTitle:
                    command = command with { MoveOriginatorAeTitle = String(value) };
                    break;
                case CommandTags.MoveOriginatorMessageId:
                    command = command with { MoveOriginatorMessageId = UInt16(value, tag) };
                    break;
            }
        }

        return hasField ? command : throw new DimseFormatException("command set without a Command Field (0000,0100)");
    }

    private static ushort UInt16(ReadOnlySpan<byte> value, uint tag) => value.Length == 2
        ? BinaryPrimitives.ReadUInt16LittleEndian(value)
        : throw new DimseFormatException($"command element {DicomTag.Format(tag)} is {value.Length} bytes, US needs 2");

    private static string String(ReadOnlySpan<byte> value)
    {
        var chars = new char[value.Length];
        for (int i = 0; i < value.Length; i++)
        {
            chars[i] = value[i] is 0 or (>= 0x20 and < 0x7F) ? (char)value[i] : '?';
        }

        return new string(chars).Trim(' ', '\0');
    }

    private static void WriteUInt16(Stream output, uint tag, ushort? value)
    {
        if (value is null)
        {
            return;
        }

        Span<byte> element = stackalloc byte[10];
        WriteHeader(element, tag, 2);
        BinaryPrimitives.WriteUInt16LittleEndian(element[8..], value.Value);
        output.Write(element);
    }

    private static void WriteString(Stream output, uint tag, string? value, byte padding)
    {
        if (value is null)
        {
            return;
        }

        byte[] bytes = Encoding.ASCII.GetBytes(value);
        int length = bytes.Length + (bytes.Length % 2);
        Span<byte> header = stackalloc byte[8];
        WriteHeader(header, tag, (uint)length);
        output.Write(header);
        output.Write(bytes);
        if (length > bytes.Length)
        {
            output.WriteByte(padding);
        }
    }

    private static void WriteHeader(Span<byte> destination, uint tag, uint length)
    {
        BinaryPrimitives.WriteUInt16LittleEndian(destination, (ushort)(tag >> 16));
        BinaryPrimitives.WriteUInt16LittleEndian(destination[2..], (ushort)tag);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[4..], length);
    }
}

/// <summary>A command set that cannot be parsed; the association is aborted because the message cannot be answered.</summary>
internal sealed class DimseFormatException(string message) : Exception(message);

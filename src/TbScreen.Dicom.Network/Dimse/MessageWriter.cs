using System.Buffers;
using System.Buffers.Binary;
using TbScreen.Dicom.Network.Pdus;

namespace TbScreen.Dicom.Network.Dimse;

/// <summary>
/// Sends a DIMSE message as P-DATA-TF PDUs of one PDV each, never longer than the peer's maximum (PS3.8 D.1), with
/// even-length fragments (PS3.8 E.1). The data set is streamed from the caller's buffer, never copied whole.
/// </summary>
internal static class MessageWriter
{
    /// <summary>What we send to a peer that announced no maximum (0): a bound of our own, not "unlimited".</summary>
    public const uint UnlimitedPeerSendLength = 1024 * 1024;

    /// <summary>PDV item length (4), context ID (1), message control header (1).</summary>
    private const int PdvOverhead = 6;

    public static async Task WriteAsync(Stream stream, byte contextId, DimseCommand command, ReadOnlyMemory<byte>? dataSet, uint peerMaxPduLength, CancellationToken cancellationToken)
    {
        // The command's Data Set Type decides whether a data set follows, not the argument (a null byte[] converts to an empty memory).
        if (command.HasDataSet != dataSet.HasValue && !(dataSet is { IsEmpty: true } && !command.HasDataSet))
        {
            throw new ArgumentException($"Command says {(command.HasDataSet ? "a" : "no")} data set follows, but {(dataSet.HasValue ? "one" : "none")} was given.", nameof(dataSet));
        }

        uint pduLimit = peerMaxPduLength == 0 ? UnlimitedPeerSendLength : Math.Min(peerMaxPduLength, UnlimitedPeerSendLength);
        if (!CanSendWithin(pduLimit))
        {
            throw new ArgumentOutOfRangeException(nameof(peerMaxPduLength), $"A maximum PDU length of {peerMaxPduLength} leaves no room for a fragment.");
        }

        int fragmentLimit = (int)(pduLimit - PdvOverhead) & ~1;
        byte[] buffer = ArrayPool<byte>.Shared.Rent(PduEncoder.HeaderLength + PdvOverhead + fragmentLimit);
        try
        {
            byte[] commandBytes = command.Encode();
            await WriteFragmentsAsync(stream, buffer, contextId, isCommand: true, commandBytes, fragmentLimit, cancellationToken).ConfigureAwait(false);
            if (command.HasDataSet && dataSet is { } data)
            {
                await WriteFragmentsAsync(stream, buffer, contextId, isCommand: false, data, fragmentLimit, cancellationToken).ConfigureAwait(false);
            }

            await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>The smallest maximum we can honour: one PDV with a 2-byte fragment.</summary>
    public static bool CanSendWithin(uint peerMaxPduLength) => peerMaxPduLength == 0 || peerMaxPduLength >= PdvOverhead + 2;

    private static async Task WriteFragmentsAsync(Stream stream, byte[] buffer, byte contextId, bool isCommand, ReadOnlyMemory<byte> data, int fragmentLimit, CancellationToken cancellationToken)
    {
        int offset = 0;
        do
        {
            int length = Math.Min(fragmentLimit, data.Length - offset);
            bool last = offset + length == data.Length;
            PduEncoder.WriteHeader(buffer, PduType.DataTransfer, (uint)(PdvOverhead + length));
            BinaryPrimitives.WriteUInt32BigEndian(buffer.AsSpan(PduEncoder.HeaderLength), (uint)(length + 2));
            buffer[PduEncoder.HeaderLength + 4] = contextId;
            buffer[PduEncoder.HeaderLength + 5] = PduEncoder.MessageControlHeader(isCommand, last);
            data.Span.Slice(offset, length).CopyTo(buffer.AsSpan(PduEncoder.HeaderLength + PdvOverhead));
            await stream.WriteAsync(buffer.AsMemory(0, PduEncoder.HeaderLength + PdvOverhead + length), cancellationToken).ConfigureAwait(false);
            offset += length;
        }
        while (offset < data.Length);
    }
}

using System.Buffers.Binary;

namespace TbScreen.Dicom.Network.Pdus;

/// <summary>
/// Reads whole PDUs from a transport stream. The length field is checked against a per-type limit before a byte
/// of the body is read, so a hostile length can never cause a large allocation: P-DATA-TF is capped at the maximum
/// we announced (PS3.8 D.1 calls anything longer a protocol error), A-ASSOCIATE PDUs at <see cref="MaxAssociatePduLength"/>,
/// and the fixed-size PDUs at their 4 bytes. The body buffer is reused, so decoded P-DATA fragments are only valid
/// until the next read.
/// </summary>
internal sealed class PduReader
{
    /// <summary>Room for 128 presentation contexts with several transfer syntaxes each, plus user identity tokens.</summary>
    public const int MaxAssociatePduLength = 256 * 1024;

    private readonly Stream _stream;
    private readonly byte[] _header = new byte[PduEncoder.HeaderLength];
    private byte[] _body = new byte[4096];

    public PduReader(Stream stream) => _stream = stream;

    /// <summary>
    /// Reads one PDU; null when the peer closed the connection cleanly between PDUs. A connection that closes inside
    /// a PDU raises <see cref="EndOfStreamException"/>; a PDU that breaks the protocol raises <see cref="PduException"/>.
    /// </summary>
    public async Task<Pdu?> ReadAsync(uint maxDataPduLength, CancellationToken cancellationToken)
    {
        int first = await _stream.ReadAsync(_header.AsMemory(0, 1), cancellationToken).ConfigureAwait(false);
        if (first == 0)
        {
            return null;
        }

        await _stream.ReadExactlyAsync(_header.AsMemory(1), cancellationToken).ConfigureAwait(false);
        byte type = _header[0];
        uint length = BinaryPrimitives.ReadUInt32BigEndian(_header.AsSpan(2));
        if (!PduDecoder.IsKnownType(type))
        {
            throw new PduException(AbortReason.UnrecognizedPdu, $"unrecognized PDU type 0x{type:X2}");
        }

        uint limit = (PduType)type switch
        {
            PduType.AssociateRequest or PduType.AssociateAccept => MaxAssociatePduLength,
            PduType.DataTransfer => maxDataPduLength,
            _ => 4,
        };
        if (length > limit)
        {
            throw new PduException(AbortReason.InvalidPduParameterValue, $"{(PduType)type} PDU length {length} exceeds the {limit}-byte limit");
        }

        if (_body.Length < length)
        {
            _body = new byte[Math.Max(length, Math.Min(limit, (uint)_body.Length * 2))];
        }

        await _stream.ReadExactlyAsync(_body.AsMemory(0, (int)length), cancellationToken).ConfigureAwait(false);
        return PduDecoder.Decode((PduType)type, _body.AsMemory(0, (int)length));
    }
}

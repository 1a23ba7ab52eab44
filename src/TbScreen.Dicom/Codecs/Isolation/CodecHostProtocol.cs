using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;

namespace TbScreen.Dicom.Codecs.Isolation;

/// <summary>A fault a test asks the host to commit; ignored unless the host runs with test faults allowed.</summary>
internal enum TestFault : byte
{
    None = 0,
    Crash = 1,
    Hang = 2,
    OversizedReply = 3,
    StrayStdout = 4,
}

internal enum ReplyStatus : byte
{
    Decoded = 0,
    Failed = 1,
    Unsupported = 2,
}

internal sealed record CodecRequest(string TransferSyntaxUid, FrameInfo Info, byte[] Frame, TestFault Fault);

internal sealed record CodecReply(ReplyStatus Status, string Message, int[] Samples);

/// <summary>
/// The codec host's wire format on stdin/stdout. Every message is a header and a body, each preceded by its
/// length as a little-endian int32; an end of stream before a request header means "no more work".
/// Request header: fault byte, transfer syntax UID, the <see cref="FrameInfo"/> fields; body: the compressed frame.
/// Reply header: status byte and message (a codec's error text, empty on success); body: decoded samples as
/// little-endian int32. Lengths are checked before anything is allocated from them. A host announces itself with
/// one <see cref="Ready"/> byte when it starts.
/// </summary>
internal static class CodecHostProtocol
{
    /// <summary>Environment variable that makes a host honour test faults (set only by <see cref="CodecHostOptions.AllowTestFaults"/>).</summary>
    public const string TestFaultsVariable = "TBSCREEN_CODECHOST_TEST_FAULTS";

    /// <summary>The byte a host writes once it has started, before any request.</summary>
    public const byte Ready = 0x52;

    public const int MaxHeaderBytes = 64 * 1024;

    /// <summary>Largest compressed frame a host accepts; the reader's own file limit is 1 GB.</summary>
    public const int MaxFrameBytes = 1 << 30;

    public static void WriteRequest(Stream stream, CodecRequest request)
    {
        var header = new MemoryStream();
        using (var writer = new BinaryWriter(header, Encoding.UTF8, leaveOpen: true))
        {
            var info = request.Info;
            writer.Write((byte)request.Fault);
            writer.Write(request.TransferSyntaxUid);
            writer.Write(info.Rows);
            writer.Write(info.Columns);
            writer.Write(info.SamplesPerPixel);
            writer.Write(info.BitsAllocated);
            writer.Write(info.BitsStored);
            writer.Write(info.IsSigned);
            writer.Write(info.PlanarConfiguration);
            writer.Write(info.PhotometricInterpretation);
        }

        WriteBlock(stream, header.GetBuffer().AsSpan(0, (int)header.Length));
        WriteBlock(stream, request.Frame);
        stream.Flush();
    }

    /// <summary>Null when the stream ends cleanly before a request.</summary>
    public static CodecRequest? ReadRequest(Stream stream)
    {
        byte[]? header = ReadBlock(stream, MaxHeaderBytes, endAllowed: true);
        if (header is null)
        {
            return null;
        }

        using var reader = new BinaryReader(new MemoryStream(header), Encoding.UTF8);
        var fault = (TestFault)reader.ReadByte();
        string uid = reader.ReadString();
        var info = new FrameInfo(
            Rows: reader.ReadInt32(),
            Columns: reader.ReadInt32(),
            SamplesPerPixel: reader.ReadInt32(),
            BitsAllocated: reader.ReadInt32(),
            BitsStored: reader.ReadInt32(),
            IsSigned: reader.ReadBoolean(),
            PlanarConfiguration: reader.ReadInt32(),
            PhotometricInterpretation: reader.ReadString());
        byte[] frame = ReadBlock(stream, MaxFrameBytes, endAllowed: false)!;
        return new CodecRequest(uid, info, frame, fault);
    }

    public static void WriteReply(Stream stream, CodecReply reply)
    {
        var header = new MemoryStream();
        using (var writer = new BinaryWriter(header, Encoding.UTF8, leaveOpen: true))
        {
            writer.Write((byte)reply.Status);
            writer.Write(reply.Message);
        }

        WriteBlock(stream, header.GetBuffer().AsSpan(0, (int)header.Length));
        // Samples travel as the machine's int32 layout; hosts and clients run on the same machine, but say little-endian.
        if (!BitConverter.IsLittleEndian)
        {
            throw new PlatformNotSupportedException("the codec host protocol assumes a little-endian machine");
        }

        WriteBlock(stream, MemoryMarshal.AsBytes(reply.Samples.AsSpan()));
        stream.Flush();
    }

    /// <summary>Writes a header that announces a body of <paramref name="claimedBytes"/> and no body: the oversized-reply test fault.</summary>
    public static void WriteOversizedReply(Stream stream, int claimedBytes)
    {
        WriteBlock(stream, [(byte)ReplyStatus.Decoded, 0]);
        Span<byte> length = stackalloc byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(length, claimedBytes);
        stream.Write(length);
        stream.Flush();
    }

    /// <summary>Reads a reply; a body larger than <paramref name="maxBodyBytes"/> throws <see cref="OversizedReplyException"/> before it is read.</summary>
    public static CodecReply ReadReply(Stream stream, long maxBodyBytes)
    {
        byte[] header = ReadBlock(stream, MaxHeaderBytes, endAllowed: false)!;
        using var reader = new BinaryReader(new MemoryStream(header), Encoding.UTF8);
        var status = (ReplyStatus)reader.ReadByte();
        string message = reader.ReadString();
        int length = ReadLength(stream, endAllowed: false)!.Value;
        if (length > maxBodyBytes || length % sizeof(int) != 0)
        {
            throw new OversizedReplyException(length);
        }

        var samples = new int[length / sizeof(int)];
        stream.ReadExactly(MemoryMarshal.AsBytes(samples.AsSpan()));
        return new CodecReply(status, message, samples);
    }

    private static void WriteBlock(Stream stream, ReadOnlySpan<byte> block)
    {
        Span<byte> length = stackalloc byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(length, block.Length);
        stream.Write(length);
        stream.Write(block);
    }

    private static byte[]? ReadBlock(Stream stream, int maxBytes, bool endAllowed)
    {
        if (ReadLength(stream, endAllowed) is not int length)
        {
            return null;
        }

        if (length > maxBytes)
        {
            throw new InvalidDataException($"codec host message block of {length} bytes exceeds {maxBytes}");
        }

        var block = new byte[length];
        stream.ReadExactly(block);
        return block;
    }

    private static int? ReadLength(Stream stream, bool endAllowed)
    {
        Span<byte> length = stackalloc byte[4];
        int first = stream.ReadAtLeast(length, length.Length, throwOnEndOfStream: false);
        if (first == 0 && endAllowed)
        {
            return null;
        }

        if (first < length.Length)
        {
            throw new EndOfStreamException("codec host stream ended inside a length prefix");
        }

        int value = BinaryPrimitives.ReadInt32LittleEndian(length);
        return value >= 0 ? value : throw new InvalidDataException($"negative codec host block length {value}");
    }
}

/// <summary>A host announced a reply body above the cap; the client kills it instead of reading on.</summary>
internal sealed class OversizedReplyException(long bytes) : IOException($"reply of {bytes} bytes")
{
    public long Bytes { get; } = bytes;
}

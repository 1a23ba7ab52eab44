namespace TbScreen.Dicom.Codecs.Isolation;

/// <summary>A native codec's transfer syntaxes, decoded by a <see cref="CodecHostClient"/> instead of in this process.</summary>
internal sealed class IsolatedFrameDecoder(CodecHostClient client, IFrameDecoder inProcess, string codecName) : IFrameDecoder
{
    public IReadOnlyCollection<string> TransferSyntaxUids => inProcess.TransferSyntaxUids;

    /// <summary>Each native decoder handles all of its UIDs alike, so its first one selects it in the host.</summary>
    public int[] Decode(ReadOnlySpan<byte> frame, FrameInfo info) =>
        client.Decode(inProcess.TransferSyntaxUids.First(), frame, info, codecName);
}

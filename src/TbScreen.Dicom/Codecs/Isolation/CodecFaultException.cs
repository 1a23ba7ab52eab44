namespace TbScreen.Dicom.Codecs.Isolation;

/// <summary>Why an out-of-process decode failed without an answer from the codec itself.</summary>
public enum CodecFault
{
    /// <summary>The codec host process died (a crash in the native library, a signal, out of memory).</summary>
    Crashed,

    /// <summary>The frame took longer than <see cref="CodecHostOptions.Timeout"/>; the host was killed.</summary>
    TimedOut,

    /// <summary>The host announced more decoded bytes than the frame can hold; it was killed unread.</summary>
    OversizedOutput,

    /// <summary>The codec host executable could not be found or started.</summary>
    HostUnavailable,
}

/// <summary>
/// A native codec failed in its child process: the frame is not decoded, the calling process carries on, and the
/// next frame gets a fresh child. A <see cref="DicomException"/>, so batch and web paths record it like any bad file.
/// </summary>
public sealed class CodecFaultException : DicomException
{
    public CodecFaultException(CodecFault fault, string reason, string? filePath = null)
        : base(reason, filePath)
    {
        Fault = fault;
    }

    public CodecFault Fault { get; }

    public override DicomException WithFile(string filePath) =>
        FilePath is null ? new CodecFaultException(Fault, Reason, filePath) : this;
}

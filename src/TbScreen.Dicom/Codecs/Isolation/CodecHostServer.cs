using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;
using TbScreen.Dicom.Codecs.Native;

namespace TbScreen.Dicom.Codecs.Isolation;

/// <summary>
/// The codec host's loop: reads requests until its input ends, decodes each with the in-process native codec and
/// writes the samples or the codec's error. A crash or hang here costs the host, which the client restarts.
/// </summary>
internal static partial class CodecHostServer
{
    private const int Sigsegv = 11;

    public static int Serve(Stream input, Stream output)
    {
        bool testFaults = Environment.GetEnvironmentVariable(CodecHostProtocol.TestFaultsVariable) == "1";
        var decoders = NativeDecoders();
        output.WriteByte(CodecHostProtocol.Ready);
        output.Flush();
        while (CodecHostProtocol.ReadRequest(input) is { } request)
        {
            if (testFaults && request.Fault != TestFault.None)
            {
                CommitTestFault(request.Fault, output);
            }

            CodecHostProtocol.WriteReply(output, Decode(decoders, request));
        }

        return 0;
    }

    /// <summary>
    /// The reply stream: a private copy of stdout, with fd 1 itself pointed at stderr, so a native library that prints
    /// to stdout cannot corrupt the protocol (the client drains stderr).
    /// </summary>
    public static Stream OpenReplyStream()
    {
        if (OperatingSystem.IsWindows())
        {
            return Console.OpenStandardOutput();
        }

        int replies = Dup(1);
        if (replies < 0 || Dup2(2, 1) < 0)
        {
            return Console.OpenStandardOutput();
        }

        return new FileStream(new SafeFileHandle(replies, ownsHandle: true), FileAccess.Write, bufferSize: 64 * 1024);
    }

    private static Dictionary<string, IFrameDecoder> NativeDecoders()
    {
        var map = new Dictionary<string, IFrameDecoder>(StringComparer.Ordinal);
        foreach (IFrameDecoder decoder in new IFrameDecoder[] { new OpenJpegDecoder(), new CharLsDecoder(), new JpegXlDecoder() })
        {
            foreach (string uid in decoder.TransferSyntaxUids)
            {
                map[uid] = decoder;
            }
        }

        return map;
    }

    private static CodecReply Decode(Dictionary<string, IFrameDecoder> decoders, CodecRequest request)
    {
        if (!decoders.TryGetValue(request.TransferSyntaxUid, out var decoder))
        {
            return new CodecReply(ReplyStatus.Unsupported, "the codec host has no decoder for this transfer syntax", []);
        }

        try
        {
            return new CodecReply(ReplyStatus.Decoded, string.Empty, decoder.Decode(request.Frame, request.Info));
        }
        catch (UnsupportedTransferSyntaxException e)
        {
            return new CodecReply(ReplyStatus.Unsupported, e.Detail ?? e.Reason, []);
        }
        catch (DicomException e)
        {
            return new CodecReply(ReplyStatus.Failed, e.Reason, []);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // As in process (PixelDataDecoder): a third-party exception type becomes a decode failure with its message.
            return new CodecReply(ReplyStatus.Failed, $"pixel data could not be decoded: {e.Message}", []);
        }
    }

    private static void CommitTestFault(TestFault fault, Stream output)
    {
        switch (fault)
        {
            case TestFault.Crash:
                // What a native codec's wild pointer does: the default action of SIGSEGV, past the runtime's handler.
                Signal(Sigsegv, 0);
                Raise(Sigsegv);
                Environment.FailFast("test fault: SIGSEGV did not end the process");
                break;
            case TestFault.Hang:
                Thread.Sleep(Timeout.Infinite);
                break;
            case TestFault.StrayStdout:
                // What a chatty native library does; the decode then goes on as usual.
                Console.Out.Write("stray text on stdout\n");
                Console.Out.Flush();
                break;
            case TestFault.OversizedReply:
                CodecHostProtocol.WriteOversizedReply(output, int.MaxValue - 3);
                Thread.Sleep(Timeout.Infinite);
                break;
        }
    }

    [LibraryImport("libc", EntryPoint = "dup")]
    private static partial int Dup(int fd);

    [LibraryImport("libc", EntryPoint = "dup2")]
    private static partial int Dup2(int fd, int target);

    [LibraryImport("libc", EntryPoint = "signal")]
    private static partial nint Signal(int signal, nint handler);

    [LibraryImport("libc", EntryPoint = "raise")]
    private static partial int Raise(int signal);
}

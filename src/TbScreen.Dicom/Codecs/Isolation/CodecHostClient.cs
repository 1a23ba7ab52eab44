using System.Collections.Concurrent;

namespace TbScreen.Dicom.Codecs.Isolation;

/// <summary>
/// Decodes native-codec frames in a small pool of codec host processes, so a crash or hang in libopenjp2 or libcharls
/// fails one frame with a <see cref="CodecFaultException"/> instead of taking the calling process down. Thread-safe;
/// hosts start on first use and are replaced after a fault. Dispose stops them.
/// </summary>
public sealed class CodecHostClient : IDisposable
{
    private readonly CodecHostOptions _options;
    private readonly SemaphoreSlim _slots;
    private readonly ConcurrentBag<CodecHostProcess> _idle = [];
    private readonly Lazy<CodecHostCommand> _command;
    private volatile bool _disposed;

    public CodecHostClient(CodecHostOptions? options = null)
    {
        _options = options ?? new CodecHostOptions();
        ArgumentOutOfRangeException.ThrowIfLessThan(_options.Processes, 1);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(_options.Timeout, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(_options.StartTimeout, TimeSpan.Zero);
        _slots = new SemaphoreSlim(_options.Processes, _options.Processes);
        // Located once; a missing host is reported on every decode that needs it, never as a crash of the caller.
        _command = new Lazy<CodecHostCommand>(() => CodecHostLocator.Locate(_options.HostPath), LazyThreadSafetyMode.PublicationOnly);
    }

    public CodecHostOptions Options => _options;

    /// <summary>Decodes with the native codec registered for <paramref name="transferSyntaxUid"/> in a host process.</summary>
    /// <param name="codecName">Names the codec in fault messages ("JPEG 2000").</param>
    public int[] Decode(string transferSyntaxUid, ReadOnlySpan<byte> frame, FrameInfo info, string codecName) =>
        Decode(transferSyntaxUid, frame, info, codecName, TestFault.None);

    internal int[] Decode(string transferSyntaxUid, ReadOnlySpan<byte> frame, FrameInfo info, string codecName, TestFault fault)
    {
        ArgumentNullException.ThrowIfNull(info);
        ObjectDisposedException.ThrowIf(_disposed, this);
        var request = new CodecRequest(transferSyntaxUid, info, frame.ToArray(), fault);
        long maxReply = Math.Min(_options.MaxOutputBytes, Math.Max(0, info.SampleCount) * sizeof(int));
        _slots.Wait();
        CodecHostProcess? host = null;
        bool reusable = false;
        try
        {
            host = TakeIdle() ?? StartHost(codecName);
            var reply = host.Exchange(request, _options.Timeout, maxReply, codecName);
            reusable = true;
            return reply.Status switch
            {
                ReplyStatus.Decoded => reply.Samples,
                ReplyStatus.Unsupported => throw new UnsupportedTransferSyntaxException(transferSyntaxUid, detail: reply.Message),
                _ => throw new DicomException(reply.Message),
            };
        }
        finally
        {
            if (host is not null)
            {
                if (reusable && !_disposed && host.IsUsable)
                {
                    _idle.Add(host);
                }
                else
                {
                    host.Dispose();
                }
            }

            _slots.Release();
        }
    }

    private CodecHostProcess StartHost(string codecName)
    {
        var host = CodecHostProcess.Start(_command.Value, _options.AllowTestFaults);
        try
        {
            host.WaitUntilReady(_options.StartTimeout, codecName);
            return host;
        }
        catch
        {
            host.Dispose();
            throw;
        }
    }

    /// <summary>An idle host that is still running; one that died while idle is dropped, so its death is not blamed on this frame.</summary>
    private CodecHostProcess? TakeIdle()
    {
        while (_idle.TryTake(out var host))
        {
            if (host.IsUsable)
            {
                return host;
            }

            host.Dispose();
        }

        return null;
    }

    public void Dispose()
    {
        _disposed = true;
        while (_idle.TryTake(out var host))
        {
            host.Dispose();
        }
    }
}

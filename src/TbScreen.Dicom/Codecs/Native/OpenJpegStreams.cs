using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace TbScreen.Dicom.Codecs.Native;

/// <summary>
/// A read-only view of a pinned buffer that OpenJPEG pulls from through opj_stream callbacks.
/// It lives on the decoder's stack for the duration of one decode, so no free callback is needed.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct OpjMemorySource
{
    public byte* Data;
    public long Length;
    public long Position;

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    public static nuint Read(void* buffer, nuint count, void* user)
    {
        var s = (OpjMemorySource*)user;
        long left = s->Length - s->Position;
        if (left <= 0)
        {
            return unchecked((nuint)(-1)); // (OPJ_SIZE_T)-1 is OpenJPEG's end-of-stream signal
        }

        long n = (long)Math.Min((ulong)left, count);
        Buffer.MemoryCopy(s->Data + s->Position, buffer, n, n);
        s->Position += n;
        return (nuint)n;
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    public static long Skip(long count, void* user)
    {
        // Returning 0 would make opj_stream_read_skip loop forever, so out-of-range is -1.
        var s = (OpjMemorySource*)user;
        long target = s->Position + count;
        if (target < 0 || target > s->Length)
        {
            return -1;
        }

        s->Position = target;
        return count;
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    public static int Seek(long offset, void* user)
    {
        var s = (OpjMemorySource*)user;
        if (offset < 0 || offset > s->Length)
        {
            return 0;
        }

        s->Position = offset;
        return 1;
    }
}

/// <summary>
/// A growable managed buffer that OpenJPEG pushes encoded bytes into. The callbacks reach it
/// through a GCHandle passed as stream user data; it supports seek/skip because the JP2 and
/// TLM writers patch earlier bytes.
/// </summary>
internal sealed unsafe class OpjMemorySink
{
    private byte[] _data = new byte[64 * 1024];
    private long _position;
    private long _length;

    public byte[] ToArray() => _data.AsSpan(0, (int)_length).ToArray();

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    public static nuint Write(void* buffer, nuint count, void* user)
    {
        try
        {
            var sink = (OpjMemorySink)GCHandle.FromIntPtr((nint)user).Target!;
            long end = sink._position + (long)count;
            if (end > Array.MaxLength)
            {
                return unchecked((nuint)(-1));
            }

            if (end > sink._data.Length)
            {
                Array.Resize(ref sink._data, (int)Math.Min(Array.MaxLength, Math.Max(end, 2L * sink._data.Length)));
            }

            new ReadOnlySpan<byte>(buffer, (int)count).CopyTo(sink._data.AsSpan((int)sink._position));
            sink._position = end;
            sink._length = Math.Max(sink._length, end);
            return count;
        }
        catch
        {
            return unchecked((nuint)(-1)); // never let an exception cross into native code
        }
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    public static long Skip(long count, void* user)
    {
        var sink = (OpjMemorySink)GCHandle.FromIntPtr((nint)user).Target!;
        long target = sink._position + count;
        if (target < 0 || target > Array.MaxLength)
        {
            return -1;
        }

        sink._position = target;
        return count;
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    public static int Seek(long offset, void* user)
    {
        var sink = (OpjMemorySink)GCHandle.FromIntPtr((nint)user).Target!;
        if (offset < 0 || offset > Array.MaxLength)
        {
            return 0;
        }

        sink._position = offset;
        return 1;
    }
}

/// <summary>
/// Collects OpenJPEG error and warning messages so a failure can say why. Without handlers the
/// library stays silent; with them we must never throw back into native code.
/// </summary>
internal sealed unsafe class OpjMessages
{
    private const int MaxKept = 4;
    private readonly List<string> _errors = [];

    public string Describe(string fallback) =>
        _errors.Count == 0 ? fallback : string.Join("; ", _errors);

    /// <summary>Installs the handlers on <paramref name="codec"/>; <paramref name="self"/> is a GCHandle to this.</summary>
    public static void Install(OpenJpegApi api, nint codec, nint self)
    {
        api.SetErrorHandler(codec, &OnError, (void*)self);
        api.SetWarningHandler(codec, &OnIgnored, null);
        api.SetInfoHandler(codec, &OnIgnored, null);
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static void OnError(byte* message, void* user)
    {
        try
        {
            var self = (OpjMessages)GCHandle.FromIntPtr((nint)user).Target!;
            if (self._errors.Count < MaxKept && message is not null)
            {
                self._errors.Add((Marshal.PtrToStringUTF8((nint)message) ?? string.Empty).Trim());
            }
        }
        catch
        {
            // Swallowed on purpose: an exception here would tear down the process.
        }
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static void OnIgnored(byte* message, void* user)
    {
    }
}

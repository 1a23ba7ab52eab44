using System.Diagnostics;
using System.Globalization;

namespace TbScreen.Dicom.Codecs.Isolation;

/// <summary>
/// One running codec host and its pipes. Not thread-safe: <see cref="CodecHostClient"/> lends it to one caller at a
/// time. After a fault it is dead and must be disposed; the client starts a new one for the next frame.
/// </summary>
internal sealed class CodecHostProcess : IDisposable
{
    private readonly Process _process;
    private volatile bool _killedByWatchdog;

    private CodecHostProcess(Process process)
    {
        _process = process;
    }

    /// <summary>False once the host has exited or the watchdog fired (even if the reply arrived just in time).</summary>
    public bool IsUsable => !_killedByWatchdog && !_process.HasExited;

    public static CodecHostProcess Start(CodecHostCommand command, bool allowTestFaults)
    {
        var start = new ProcessStartInfo(command.FileName)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            // The host writes nothing of its own there; a dying runtime's report is drained, never logged (no file names reach it either).
            RedirectStandardError = true,
            UseShellExecute = false,
            CreateNoWindow = true,
        };
        foreach (string argument in command.Arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in command.Environment)
        {
            start.Environment[name] = value;
        }

        // Never inherited: only a client built for tests lets its host commit faults.
        start.Environment.Remove(CodecHostProtocol.TestFaultsVariable);
        if (allowTestFaults)
        {
            start.Environment[CodecHostProtocol.TestFaultsVariable] = "1";
        }
        try
        {
            var process = Process.Start(start) ?? throw new InvalidOperationException("Process.Start returned no process");
            process.ErrorDataReceived += (_, _) => { };
            process.BeginErrorReadLine();
            return new CodecHostProcess(process);
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            throw new CodecFaultException(CodecFault.HostUnavailable, $"the native codec host {command.FileName} could not be started: {e.Message}");
        }
    }

    /// <summary>
    /// Waits for the host's ready byte, so that runtime start-up (slow on a loaded machine) is never charged to a
    /// frame's timeout; a host that dies or stalls before it is ready fails like a frame would.
    /// </summary>
    public void WaitUntilReady(TimeSpan timeout, string codecName) => Guarded(timeout, codecName, "did not start", () =>
    {
        int ready = _process.StandardOutput.BaseStream.ReadByte();
        return ready == CodecHostProtocol.Ready ? 0 : throw new InvalidDataException($"codec host greeted with {ready}");
    });

    /// <summary>
    /// Sends one frame and reads the reply under a watchdog. Throws <see cref="CodecFaultException"/> when the host
    /// dies, overruns <paramref name="timeout"/> or announces more than <paramref name="maxReplyBytes"/>.
    /// </summary>
    public CodecReply Exchange(CodecRequest request, TimeSpan timeout, long maxReplyBytes, string codecName)
    {
        try
        {
            return Guarded(timeout, codecName, "timed out", () =>
            {
                CodecHostProtocol.WriteRequest(_process.StandardInput.BaseStream, request);
                return CodecHostProtocol.ReadReply(_process.StandardOutput.BaseStream, maxReplyBytes);
            });
        }
        catch (OversizedReplyException e)
        {
            Kill(byWatchdog: false);
            throw new CodecFaultException(CodecFault.OversizedOutput,
                $"the {codecName} decoder announced {e.Bytes} decoded bytes, more than the {maxReplyBytes} the frame can hold; it was stopped");
        }
    }

    /// <summary>Runs pipe I/O under a watchdog that kills the host after <paramref name="timeout"/>; the blocked call then fails.</summary>
    private T Guarded<T>(TimeSpan timeout, string codecName, string overrun, Func<T> io)
    {
        using var watchdog = new Timer(_ => Kill(byWatchdog: true), null, timeout, Timeout.InfiniteTimeSpan);
        try
        {
            return io();
        }
        catch (Exception e) when (e is IOException and not OversizedReplyException or InvalidDataException or ObjectDisposedException)
        {
            watchdog.Dispose();
            if (_killedByWatchdog)
            {
                throw new CodecFaultException(CodecFault.TimedOut,
                    string.Create(CultureInfo.InvariantCulture, $"the {codecName} decoder {overrun} after {timeout.TotalSeconds:0.###} s and was stopped"));
            }

            // A broken pipe or a short reply from a host that then exits is a crash; one that lives on spoke garbage.
            if (!_process.WaitForExit(TimeSpan.FromSeconds(2)))
            {
                Kill(byWatchdog: false);
                throw new CodecFaultException(CodecFault.Crashed, $"the {codecName} decoder's host sent a malformed reply and was stopped");
            }

            throw new CodecFaultException(CodecFault.Crashed, $"the {codecName} decoder crashed ({HowItEnded()})");
        }
    }

    public void Dispose()
    {
        // Closing stdin lets a healthy host finish its loop; one that does not is killed.
        try
        {
            _process.StandardInput.Close();
        }
        catch (IOException)
        {
        }

        if (!_process.WaitForExit(TimeSpan.FromSeconds(2)))
        {
            Kill(byWatchdog: false);
        }

        _process.Dispose();
    }

    private void Kill(bool byWatchdog)
    {
        _killedByWatchdog |= byWatchdog;
        try
        {
            _process.Kill(entireProcessTree: true);
        }
        catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            // Already gone.
        }
    }

    /// <summary>"signal 11" for a host killed by a signal (.NET reports those as 128 + signal on Unix), else its exit code.</summary>
    private string HowItEnded()
    {
        int code = _process.ExitCode;
        return !OperatingSystem.IsWindows() && code > 128 && code < 160
            ? string.Create(CultureInfo.InvariantCulture, $"signal {code - 128}")
            : string.Create(CultureInfo.InvariantCulture, $"exit code {code}");
    }
}

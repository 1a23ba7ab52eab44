using TbScreen.Dicom;
using TbScreen.Imaging;

namespace TbScreen.Cli;

/// <summary>Exit codes other tools rely on (docs/cli.md).</summary>
public static class ExitCodes
{
    public const int Success = 0;
    public const int OutputError = 1;
    public const int InvalidInput = 2;
    public const int Usage = 2;
    public const int UnsupportedTransferSyntax = 3;

    /// <summary>Runs a command body and maps bad input to one stderr line and an exit code, never a stack trace.</summary>
    public static int Guard(TextWriter stderr, Func<int> body)
    {
        try
        {
            return body();
        }
        catch (UnsupportedTransferSyntaxException e)
        {
            stderr.WriteLine($"tbscreen: {e.Message}");
            return UnsupportedTransferSyntax;
        }
        catch (Exception e) when (e is DicomException or ImageDecodeException)
        {
            stderr.WriteLine($"tbscreen: {e.Message}");
            return InvalidInput;
        }
        catch (OutputException e)
        {
            stderr.WriteLine($"tbscreen: {e.Message}");
            return OutputError;
        }
    }
}

/// <summary>The output could not be written (the input was fine).</summary>
public sealed class OutputException(string message, Exception? inner = null) : Exception(message, inner);

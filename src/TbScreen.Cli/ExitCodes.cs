using TbScreen.Dicom;
using TbScreen.Imaging;
using TbScreen.Inference.Datasets;
using TbScreen.Inference.Bundles;
using TbScreen.Inference.Evaluation;

namespace TbScreen.Cli;

/// <summary>Exit codes other tools rely on (docs/cli.md).</summary>
public static class ExitCodes
{
    public const int Success = 0;
    public const int OutputError = 1;
    public const int InvalidInput = 2;
    public const int Usage = 2;
    public const int UnsupportedTransferSyntax = 3;

    /// <summary>`screen`/`evaluate`: the models loaded, but some input images could not be read (each named on stderr).</summary>
    public const int SomeInputsFailed = 1;

    /// <summary>A model bundle or models/ensemble.json is missing, invalid, or its model.onnx hash does not match.</summary>
    public const int ModelError = 4;

    /// <summary>A service the command needs (the message broker) cannot be reached or refused the credentials.</summary>
    public const int ServiceUnavailable = 5;

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
        catch (ModelBundleException e)
        {
            stderr.WriteLine($"tbscreen: {e.Message}");
            return ModelError;
        }
        catch (Exception e) when (e is DicomException or ImageDecodeException or ManifestException or DatasetException or Training.Training.TrainingResumeException or Screening.Sites.SiteProfileFileException)
        {
            stderr.WriteLine($"tbscreen: {e.Message}");
            return InvalidInput;
        }
        catch (OutputException e)
        {
            stderr.WriteLine($"tbscreen: {e.Message}");
            return OutputError;
        }
        catch (UsageException e)
        {
            stderr.WriteLine($"tbscreen: {e.Message}");
            return Usage;
        }
        catch (Broker.BrokerException e)
        {
            stderr.WriteLine($"tbscreen: {e.Message}");
            return ServiceUnavailable;
        }
    }
}

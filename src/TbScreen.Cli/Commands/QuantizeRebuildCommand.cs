using System.CommandLine;
using TbScreen.Onnx.Quantization;
using TbScreen.Training.Quantization;

namespace TbScreen.Cli.Commands;

/// <summary>
/// `tbscreen quantize-rebuild [BUNDLE...]`: writes the model.onnx of INT8 bundles from their float32 source bundle and
/// quantization.json, checked against metadata.json's SHA-256. The repository ships INT8 bundles without model.onnx
/// (models/ stays under its 100 MB budget; docs/quantization.md); run this once after checkout.
/// </summary>
public static class QuantizeRebuildCommand
{
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var bundles = new Argument<string[]>("bundles") { Description = "INT8 bundle folders (default: every models/*-int8 folder).", Arity = ArgumentArity.ZeroOrMore };
        var models = new Option<string>("--models") { Description = "Where to look for *-int8 bundles when none are named.", DefaultValueFactory = _ => "models" };
        var command = new Command("quantize-rebuild", "Rebuild INT8 bundles' model.onnx from their float32 source and quantization.json (SHA-256 checked).") { bundles, models };
        command.SetAction(result => ExitCodes.Guard(stderr, () =>
        {
            var dirs = result.GetValue(bundles) is { Length: > 0 } named
                ? named
                : Directory.Exists(result.GetValue(models)!) ? Directory.GetDirectories(result.GetValue(models)!, "*-int8").Order(StringComparer.Ordinal).ToArray() : [];
            if (dirs.Length == 0) throw new UsageException($"no INT8 bundles named and none under {result.GetValue(models)}");
            foreach (string dir in dirs)
            {
                try
                {
                    byte[] model = QuantizedBundle.Rebuild(dir, write: true);
                    stdout.WriteLine($"{dir}: model.onnx rebuilt, {model.Length / 1e6:F1} MB, SHA-256 matches metadata.json");
                }
                catch (QuantizationException e)
                {
                    stderr.WriteLine($"tbscreen: {e.Message}");
                    return ExitCodes.ModelError;
                }
            }

            return ExitCodes.Success;
        }));
        return command;
    }
}

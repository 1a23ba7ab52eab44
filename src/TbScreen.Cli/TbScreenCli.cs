using System.CommandLine;
using TbScreen.Cli.Commands;

namespace TbScreen.Cli;

/// <summary>The `tbscreen` command line; exit codes are documented in docs/cli.md.</summary>
public static class TbScreenCli
{
    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        var root = new RootCommand("TbScreen: chest X-ray TB screening. Research use only, not a medical device.");
        root.Subcommands.Add(InspectCommand.Create(stdout, stderr));
        root.Subcommands.Add(ConvertCommand.Create(stdout, stderr));
        root.Subcommands.Add(SamplesCommand.Create(stdout, stderr));
        root.Subcommands.Add(TrainCommand.Create(stdout, stderr));
        root.Subcommands.Add(SplitFoldsCommand.Create(stdout, stderr));
        root.Subcommands.Add(TrainLungsCommand.Create(stdout, stderr));
        root.Subcommands.Add(ExportLungsCommand.Create(stdout, stderr));
        root.Subcommands.Add(SegmentCommand.Create(stdout, stderr));
        root.Subcommands.Add(ExportOnnxCommand.Create(stdout, stderr));
        root.Subcommands.Add(PruneCommand.Create(stdout, stderr));
        root.Subcommands.Add(QuantizeCommand.Create(stdout, stderr));
        root.Subcommands.Add(QuantizeReportCommand.Create(stdout, stderr));
        root.Subcommands.Add(QuantizeRebuildCommand.Create(stdout, stderr));
        root.Subcommands.Add(ImportBundleCommand.Create(stdout, stderr));
        root.Subcommands.Add(CalibrateEnsembleCommand.Create(stdout, stderr));
        root.Subcommands.Add(ScreenCommand.Create(stdout, stderr));
        root.Subcommands.Add(WorkerCommand.Create(stdout, stderr));
        root.Subcommands.Add(ListenCommand.Create(stdout, stderr));
        root.Subcommands.Add(PullCommand.Create(stdout, stderr));
        root.Subcommands.Add(EchoCommand.Create(stdout, stderr));
        root.Subcommands.Add(ContentKeysCommand.Create(stdout, stderr));
        root.Subcommands.Add(AuditLogCommand.Create(stdout, stderr));
        root.Subcommands.Add(EvaluateCommand.Create(stdout, stderr));
        root.Subcommands.Add(CompareCommand.Create(stdout, stderr));
        root.Subcommands.Add(FitOodCommand.Create(stdout, stderr));
        root.Subcommands.Add(AuditCommand.Create(stdout, stderr));
        root.Subcommands.Add(SiteCalibrateCommand.Create(stdout, stderr));
        root.Subcommands.Add(RobustnessCommand.Create(stdout, stderr));
        root.Subcommands.Add(MonitorCommand.Create(stdout, stderr));

        var parseResult = root.Parse(args);
        if (parseResult.Errors.Count > 0)
        {
            foreach (var error in parseResult.Errors)
            {
                stderr.WriteLine("tbscreen: " + error.Message);
            }

            stderr.WriteLine("Run 'tbscreen --help' for usage.");
            return ExitCodes.Usage;
        }

        return parseResult.Invoke(new InvocationConfiguration { Output = stdout, Error = stderr });
    }
}

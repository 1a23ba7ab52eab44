using TbScreen.Cli;

return TbScreenCli.Run(args, Console.Out, Console.Error);

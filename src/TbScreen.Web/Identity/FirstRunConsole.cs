namespace TbScreen.Web.Identity;

/// <summary>
/// Where the first-run sign-in instructions go: standard output, so `dotnet run` shows them whatever the log
/// level. A seam only so that tests can read what an operator would see.
/// </summary>
public class FirstRunConsole
{
    public virtual TextWriter Writer => Console.Out;
}

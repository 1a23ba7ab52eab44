using TbScreen.Web.E2ETests;

// `dotnet run --project tests/TbScreen.Web.E2ETests -- screenshots docs/screenshots`: starts the app like the browser
// tests do, walks the main pages in headless chromium and writes one PNG per page. `dotnet test` ignores this entry point.
if (args is ["screenshots", var folder])
{
    return await Screenshots.CaptureAsync(Path.GetFullPath(folder), Console.Out);
}

Console.Error.WriteLine("usage: dotnet run --project tests/TbScreen.Web.E2ETests -- screenshots OUTPUT_FOLDER");
return 2;

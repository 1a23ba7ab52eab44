using TbScreen.Web.Hosting;

// The TbScreen web host: the REST API today, the Blazor dashboard next. Everything is wired in
// Hosting/ so this file stays a table of contents.
var builder = WebApplication.CreateBuilder(args);
builder.AddTbScreenApi();

var app = builder.Build();
app.UseTbScreenApi();
app.MapTbScreenApi();
app.Run();

/// <summary>Visible to WebApplicationFactory in the tests.</summary>
public partial class Program;

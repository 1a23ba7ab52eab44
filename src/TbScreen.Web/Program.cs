using TbScreen.Web.Hosting;

// The TbScreen web host: the REST API and the Blazor dashboard. Everything is wired in Hosting/ so this file
// stays a table of contents.
var builder = WebApplication.CreateBuilder(TransportGuard.WithoutFlag(args, out bool allowInsecureHttp));
builder.Configuration[TransportGuard.AllowInsecureKey] = allowInsecureHttp ? "true" : null;
builder.AddTbScreenApi();       // options, ProblemDetails, screening layers, jobs, reports, OpenAPI
builder.AddTbScreenSecurity();  // Identity with cookies, roles and policies, lockout, first-run admin
builder.AddTbScreenDashboard(); // Blazor Web App, interactive server rendering

var app = builder.Build();
app.UseTbScreen();
app.MapTbScreenApi();
app.MapTbScreenDashboard();
app.Run();

/// <summary>Visible to WebApplicationFactory in the tests.</summary>
public partial class Program;

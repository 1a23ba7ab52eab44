using Microsoft.Extensions.Logging;

namespace TbScreen.Cli;

/// <summary>Warnings and errors from libraries (e.g. the CUDA fallback) as one `tbscreen: warning:` line each.</summary>
internal sealed class StderrLogger(TextWriter stderr) : ILogger
{
    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (IsEnabled(logLevel))
        {
            stderr.WriteLine($"tbscreen: {logLevel.ToString().ToLowerInvariant()}: {formatter(state, exception)}");
        }
    }
}

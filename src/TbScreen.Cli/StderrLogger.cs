using Microsoft.Extensions.Logging;

namespace TbScreen.Cli;

/// <summary>
/// Warnings and errors from libraries (e.g. the CUDA fallback) as one `tbscreen: warning:` line each. Long-running
/// commands (the queue worker) log from <see cref="LogLevel.Information"/> with a UTC timestamp.
/// </summary>
internal sealed class StderrLogger(TextWriter stderr, LogLevel minimum = LogLevel.Warning, bool timestamps = false) : ILogger
{
    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel >= minimum && logLevel != LogLevel.None;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (IsEnabled(logLevel))
        {
            string time = timestamps ? DateTime.UtcNow.ToString("yyyy-MM-dd HH:mm:ss'Z' ", System.Globalization.CultureInfo.InvariantCulture) : "";
            string level = logLevel == LogLevel.Information ? "info" : logLevel.ToString().ToLowerInvariant();
            stderr.WriteLine($"{time}tbscreen: {level}: {formatter(state, exception)}");
        }
    }
}

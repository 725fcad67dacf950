using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace BazaarCstd.IntegrationTests.Infrastructure;

/// <summary>
/// Keeps what the AppHost itself (not its resources) logs at Warning or above: the warnings an operator
/// sees above the resource logs, and the ones the dashboard turns into a banner (e.g. no trusted
/// development certificate).
/// </summary>
public sealed class AppHostLogCapture : ILoggerProvider
{
    private readonly ConcurrentQueue<string> _entries = new();

    public IReadOnlyList<string> Entries => [.. _entries];

    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, _entries);

    public void Dispose()
    {
    }

    private sealed class Logger(string category, ConcurrentQueue<string> entries) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                entries.Enqueue($"{logLevel} {category}: {formatter(state, exception)}");
            }
        }
    }
}

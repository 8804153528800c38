using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace P2PSecurity.Core.Tests.TestSupport;

/// <summary>An ILogger that keeps every formatted line, so tests can assert exactly what the security log says.</summary>
internal sealed class CapturingLogger : ILogger
{
    private readonly ConcurrentQueue<LogEntry> _entries = new();

    public IReadOnlyList<LogEntry> Entries => [.. _entries];

    /// <summary>Every formatted message, in order.</summary>
    public IReadOnlyList<string> Messages => [.. _entries.Select(e => e.Message)];

    /// <summary>Messages with the given event id.</summary>
    public IReadOnlyList<string> WithEvent(int eventId) => [.. _entries.Where(e => e.EventId.Id == eventId).Select(e => e.Message)];

    /// <summary>Everything the logger was given, messages and exceptions, as one text to search for leaks.</summary>
    public string AllText => string.Join("\n", _entries.Select(e => e.Message + (e.Exception is null ? string.Empty : "\n" + e.Exception)));

    public void Clear() => _entries.Clear();

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
        _entries.Enqueue(new LogEntry(logLevel, eventId, formatter(state, exception), exception));
}

using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace P2PSecurity.Server.Tests.Infrastructure;

/// <summary>An ILogger that keeps each formatted line with its event id, for asserting what was logged.</summary>
public sealed class LineLogger : ILogger
{
    private readonly ConcurrentQueue<(int EventId, string Message)> _lines = new();

    public IReadOnlyList<(int EventId, string Message)> Lines => [.. _lines];

    public IReadOnlyList<string> WithEvent(int eventId) => [.. _lines.Where(l => l.EventId == eventId).Select(l => l.Message)];

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
        _lines.Enqueue((eventId.Id, formatter(state, exception)));
}

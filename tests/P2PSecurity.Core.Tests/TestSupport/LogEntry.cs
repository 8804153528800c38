using Microsoft.Extensions.Logging;

namespace P2PSecurity.Core.Tests.TestSupport;

internal sealed record LogEntry(LogLevel Level, EventId EventId, string Message, Exception? Exception);

namespace P2PSecurity.Server.Dashboard;

/// <summary>One line of the security log as the dashboard shows it: an id for resuming, the event name and its fields.</summary>
internal sealed record SecurityEvent(long Id, DateTimeOffset At, string Level, string Event, string Message, string? Remote, string? Node, string? Reason);

using P2PSecurity.Core.Security;

namespace P2PSecurity.Server.Pipeline;

/// <summary>User event: a policy reload refuses this live connection.</summary>
internal sealed record EvictionRequested(SecurityDecision Decision);

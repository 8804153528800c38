using System.Net;
using P2PSecurity.Core.Policy;

namespace P2PSecurity.Server.Status;

/// <summary>One welcomed session, for status.</summary>
public sealed record SessionInfo(long Id, NodeKey? NodeKey, IPEndPoint? RemoteEndPoint, DateTimeOffset Since, bool Outbound);

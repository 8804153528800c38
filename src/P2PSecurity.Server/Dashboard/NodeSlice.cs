namespace P2PSecurity.Server.Dashboard;

/// <summary>One page of a node list: its keys in order, and where the page is among all that matched.</summary>
internal sealed record NodeSlice(IReadOnlyList<string> Keys, int Total, int Page, int Size, int Pages);

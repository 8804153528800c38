using System.Globalization;
using P2PSecurity.Core.Control;

namespace P2PSecurity.Tools;

/// <summary>The fleet's lines, as <c>reload_security status</c> and <c>reload_security fleet</c> print them.</summary>
public static class FleetText
{
    public static IEnumerable<string> Describe(FleetInfo f)
    {
        var inv = CultureInfo.InvariantCulture;
        yield return string.Create(inv,
            $"fleet        {f.Name} at {f.Hub}: {(f.Connected ? "connected" : "NOT CONNECTED (enforcing the last applied state)")}, last applied id {f.LastAppliedId}, lag {f.LagSeconds:0.###} s");
        yield return string.Create(inv,
            $"             {f.DecisionsInForce:N0} decisions in force, {f.Applied:N0} applied since start, {f.SignaturesRejected:N0} signatures rejected, {f.Gaps:N0} gaps, {f.SnapshotsLoaded:N0} snapshots loaded");
        yield return f.SigningKey is null
            ? $"             {f.OperatorKeys} operator keys; this node has no operator identity (cannot publish)"
            : $"             {f.OperatorKeys} operator keys; this node signs with {f.SigningKey}…{(f.CanPublish ? "" : " (NOT in FLEET_OPERATOR_KEYS: cannot publish)")}";
    }
}

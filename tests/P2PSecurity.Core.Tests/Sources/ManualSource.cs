using P2PSecurity.Core.Sources;

namespace P2PSecurity.Core.Tests.Sources;

/// <summary>A policy source driven by the test: publish a snapshot, or make reading it fail.</summary>
internal sealed class ManualSource<T>(string name, T initial) : IPolicySource<T>
    where T : class
{
    private T _snapshot = initial;
    private long _revision = 1;

    public string Name => name;

    public bool Broken { get; set; }

    public T Snapshot => Broken ? throw new InvalidOperationException($"{name} cannot be read") : _snapshot;

    public long Revision => _revision;

    public event Action? Published;

    public void Publish(T snapshot)
    {
        _snapshot = snapshot;
        _revision++;
        Published?.Invoke();
    }

    /// <summary>Tells the composer something changed while <see cref="Broken"/> makes the snapshot unreadable.</summary>
    public void Poke() => Published?.Invoke();
}

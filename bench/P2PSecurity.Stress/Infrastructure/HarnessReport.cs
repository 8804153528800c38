using System.Globalization;
using System.Text;

namespace P2PSecurity.Stress.Infrastructure;

/// <summary>
/// What a harness run produced: its figures, each with the target it is held to (or none for a figure that is
/// only reported), and notes that explain a miss. <see cref="Passed"/> is false when any target is missed.
/// </summary>
public sealed class HarnessReport
{
    private readonly List<Figure> _figures = [];
    private readonly List<string> _notes = [];

    /// <summary>Starts a report; the machine's load at this moment is its first figure.</summary>
    public HarnessReport(string harness, string loadAtStart)
    {
        Harness = harness;
        Info("machine_load", MachineLoad.OneMinute(), $"at start: {loadAtStart}; at end: {MachineLoad.Describe()}");
    }

    public string Harness { get; }

    public IReadOnlyList<Figure> Figures => _figures;

    public IReadOnlyList<string> Notes => _notes;

    public bool Passed => _figures.All(f => f.Met);

    public IEnumerable<Figure> Missed => _figures.Where(f => !f.Met);

    /// <summary>The figure called <paramref name="name"/>.</summary>
    public Figure this[string name] => _figures.FirstOrDefault(f => f.Name == name)
        ?? throw new KeyNotFoundException($"{Harness} has no figure '{name}' (has: {string.Join(", ", _figures.Select(f => f.Name))})");

    /// <summary>A figure held to a target; <paramref name="met"/> says whether it was reached.</summary>
    public HarnessReport Target(string name, double value, string display, string target, bool met)
    {
        _figures.Add(new Figure(name, value, display, target, met));
        return this;
    }

    /// <summary>A count whose target is zero.</summary>
    public HarnessReport Zero(string name, long value) =>
        Target(name, value, value.ToString("N0", CultureInfo.InvariantCulture), "0", value == 0);

    /// <summary>A figure that is only reported.</summary>
    public HarnessReport Info(string name, double value, string display)
    {
        _figures.Add(new Figure(name, value, display, null, true));
        return this;
    }

    /// <summary>
    /// CPU time the server and this harness used while <paramref name="sampler"/> ran: both share the machine's
    /// cores, so a harness that burns CPU (TLS handshakes) slows the server it measures.
    /// </summary>
    public HarnessReport Cpu(MemorySampler sampler)
    {
        var server = sampler.Last.Cpu - sampler.Start.Cpu;
        var harness = System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime - sampler.HarnessCpuAtStart;
        return Info("cpu_seconds", server.TotalSeconds, string.Create(CultureInfo.InvariantCulture,
            $"server {server.TotalSeconds:F1} s, harness {harness.TotalSeconds:F1} s, over {sampler.Elapsed.TotalSeconds:F1} s of wall time"));
    }

    public HarnessReport Note(string note)
    {
        if (_notes.Count < 40)
        {
            _notes.Add(note);
        }
        return this;
    }

    public override string ToString()
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"== {Harness}: {(Passed ? "PASS" : "FAIL")}\n");
        var width = _figures.Count == 0 ? 0 : _figures.Max(f => f.Name.Length);
        foreach (var figure in _figures)
        {
            text.Append("  ").Append(figure.Name.PadRight(width)).Append("  ").Append(figure.Display);
            if (figure.Target is not null)
            {
                text.Append("   (target ").Append(figure.Target).Append(figure.Met ? ", met)" : ", MISSED)");
            }
            text.Append('\n');
        }
        foreach (var note in _notes)
        {
            text.Append("  note: ").Append(note).Append('\n');
        }
        return text.ToString();
    }
}

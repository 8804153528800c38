using System.Text.RegularExpressions;

namespace P2PSecurity.Stress.Infrastructure;

/// <summary>
/// The server's console output, kept with a bound (a long run prints hundreds of thousands of lines): the first
/// and the most recent lines, a total, counters for patterns registered up front, and waits for a line.
/// </summary>
public sealed class ServerOutput
{
    private const int Keep = 300;
    private readonly Lock _lock = new();
    private readonly List<string> _head = [];
    private readonly Queue<string> _tail = new();
    private readonly Dictionary<string, (Regex Pattern, long Count)> _counters = new(StringComparer.Ordinal);
    private readonly List<(Regex Pattern, TaskCompletionSource<Match> Found)> _waiters = [];
    private readonly Dictionary<string, (Regex Pattern, List<string> Lines)> _collected = new(StringComparer.Ordinal);
    private long _lines;

    public long Lines => Interlocked.Read(ref _lines);

    /// <summary>Starts counting lines that match <paramref name="pattern"/> from now on.</summary>
    public void Count(string name, string pattern)
    {
        lock (_lock)
        {
            _counters[name] = (new Regex(pattern, RegexOptions.CultureInvariant), 0);
        }
    }

    public long Counted(string name)
    {
        lock (_lock)
        {
            return _counters[name].Count;
        }
    }

    /// <summary>Keeps (up to 1,000 of) the lines that match <paramref name="pattern"/> from now on.</summary>
    public void Collect(string name, string pattern)
    {
        lock (_lock)
        {
            _collected[name] = (new Regex(pattern, RegexOptions.CultureInvariant), []);
        }
    }

    public IReadOnlyList<string> Collected(string name)
    {
        lock (_lock)
        {
            return [.. _collected[name].Lines];
        }
    }

    /// <summary>The first lines and the most recent ones, for a report of what went wrong.</summary>
    public string Excerpt()
    {
        lock (_lock)
        {
            var skipped = Lines - _head.Count - _tail.Count;
            return string.Join('\n', _head) + (skipped > 0 ? $"\n... {skipped} lines ...\n" : "\n") + string.Join('\n', _tail);
        }
    }

    /// <summary>Waits for a line matching <paramref name="pattern"/> (among the kept lines or still to come).</summary>
    public async Task<Match> WaitForLineAsync(string pattern, TimeSpan timeout, Task exited)
    {
        var regex = new Regex(pattern, RegexOptions.CultureInvariant);
        var found = new TaskCompletionSource<Match>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_lock)
        {
            foreach (var line in _head.Concat(_tail))
            {
                if (regex.Match(line) is { Success: true } match)
                {
                    return match;
                }
            }
            _waiters.Add((regex, found));
        }
        var winner = await Task.WhenAny(found.Task, exited, Task.Delay(timeout));
        if (winner != found.Task)
        {
            throw new HarnessException($"the server printed no line matching /{pattern}/ within {timeout.TotalSeconds:0} s " +
                $"(exited: {exited.IsCompleted}).\n{Excerpt()}");
        }
        return await found.Task;
    }

    internal void Add(string line)
    {
        Interlocked.Increment(ref _lines);
        lock (_lock)
        {
            if (_head.Count < Keep)
            {
                _head.Add(line);
            }
            else
            {
                _tail.Enqueue(line);
                if (_tail.Count > Keep)
                {
                    _tail.Dequeue();
                }
            }
            foreach (var (name, (pattern, count)) in _counters)
            {
                if (pattern.IsMatch(line))
                {
                    _counters[name] = (pattern, count + 1);
                }
            }
            foreach (var (pattern, lines) in _collected.Values)
            {
                if (lines.Count < 1000 && pattern.IsMatch(line))
                {
                    lines.Add(line);
                }
            }
            for (var i = _waiters.Count - 1; i >= 0; i--)
            {
                if (_waiters[i].Pattern.Match(line) is { Success: true } match)
                {
                    _waiters[i].Found.TrySetResult(match);
                    _waiters.RemoveAt(i);
                }
            }
        }
    }
}

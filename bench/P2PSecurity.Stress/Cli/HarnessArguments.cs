using System.Globalization;

namespace P2PSecurity.Stress.Cli;

/// <summary>The harness command line: a command, then <c>--name value</c> options. A bad value is a usage error naming it.</summary>
public sealed class HarnessArguments
{
    private readonly Dictionary<string, string> _options = new(StringComparer.Ordinal);

    private HarnessArguments(string command) => Command = command;

    public string Command { get; }

    public static HarnessArguments Parse(string[] args)
    {
        var parsed = new HarnessArguments(args.Length > 0 ? args[0] : "help");
        for (var i = 1; i < args.Length; i++)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal) || i + 1 >= args.Length)
            {
                throw new UsageException($"expected '--option value', got '{args[i]}'");
            }
            parsed._options[args[i]] = args[++i];
        }
        return parsed;
    }

    public int Number(string name, int fallback, int min = 1, int max = int.MaxValue)
    {
        if (!_options.TryGetValue(name, out var text))
        {
            return fallback;
        }
        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max
            ? value
            : throw new UsageException($"{name} '{text}' is not a whole number from {min} to {max}");
    }

    public string? Text(string name) => _options.GetValueOrDefault(name);

    /// <summary>A comma-separated list of enum names; <paramref name="fallback"/> when the option is absent.</summary>
    public IReadOnlyList<T> Enums<T>(string name, IReadOnlyList<T> fallback) where T : struct, Enum
    {
        if (!_options.TryGetValue(name, out var text))
        {
            return fallback;
        }
        return text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(v => Enum.TryParse<T>(v, ignoreCase: true, out var value) && Enum.IsDefined(value)
                ? value
                : throw new UsageException($"{name} '{v}' is not one of {string.Join(", ", Enum.GetNames<T>())}"))
            .Distinct()
            .ToList();
    }

    /// <summary>Options that no command read: a typo must not silently run with defaults.</summary>
    public void RejectUnknown(params string[] known)
    {
        var unknown = _options.Keys.Except(known).ToList();
        if (unknown.Count > 0)
        {
            throw new UsageException($"unknown option {string.Join(", ", unknown)} for {Command} (known: {string.Join(", ", known)})");
        }
    }
}

namespace P2PSecurity.Core.EnvFile;

/// <summary>The result of parsing an env file: every assignment in file order, and every syntax error.</summary>
public sealed class EnvDocument
{
    internal EnvDocument(string text, IReadOnlyList<EnvAssignment> assignments, IReadOnlyList<EnvParseError> errors)
    {
        Text = text;
        Assignments = assignments;
        Errors = errors;
    }

    /// <summary>The text that was parsed, unchanged.</summary>
    public string Text { get; }

    /// <summary>Assignments in file order; a key given twice appears twice.</summary>
    public IReadOnlyList<EnvAssignment> Assignments { get; }

    /// <summary>Syntax errors; lines with errors contribute no assignment.</summary>
    public IReadOnlyList<EnvParseError> Errors { get; }

    /// <summary>The last assignment of <paramref name="key"/> (last one wins, as in DotNetEnv), or null.</summary>
    public EnvAssignment? Last(string key)
    {
        for (var i = Assignments.Count - 1; i >= 0; i--)
        {
            if (string.Equals(Assignments[i].Key, key, StringComparison.Ordinal))
            {
                return Assignments[i];
            }
        }
        return null;
    }
}

namespace P2PSecurity.Core.EnvFile;

/// <summary>How a value was written in the file.</summary>
public enum EnvQuote
{
    None,
    SingleQuoted,
    DoubleQuoted,
}

/// <summary>
/// One <c>KEY=VALUE</c> assignment, with where it sits in the file so that errors can name a line
/// and an editor can replace exactly the value's characters and nothing else.
/// </summary>
/// <param name="Key">The key as written.</param>
/// <param name="Value">The value after quoting rules (what DotNetEnv would return).</param>
/// <param name="Line">1-based line of the key.</param>
/// <param name="ValueStart">Offset of the first character of the raw value (the opening quote, if quoted).</param>
/// <param name="ValueLength">Length of the raw value including its quotes.</param>
/// <param name="Quote">The quoting style of the raw value.</param>
/// <param name="Interpolated">The raw value had a '$' that DotNetEnv treats as a variable reference.</param>
public sealed record EnvAssignment(string Key, string Value, int Line, int ValueStart, int ValueLength, EnvQuote Quote, bool Interpolated = false)
{
    /// <summary>The 1-based line on which a character at <paramref name="indexInValue"/> of <see cref="Value"/> sits.</summary>
    /// <remarks>Quoted values may span lines; the n-th newline in the value is the n-th line after the key.</remarks>
    public int LineOf(int indexInValue)
    {
        var line = Line;
        var end = Math.Min(indexInValue, Value.Length);
        for (var i = 0; i < end; i++)
        {
            if (Value[i] == '\n')
            {
                line++;
            }
        }
        return line;
    }
}

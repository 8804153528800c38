using P2PSecurity.Core.EnvFile;

namespace P2PSecurity.Core.Editing;

/// <summary>
/// The characters of a list assignment's value between its quotes, split into entries the way the policy loader
/// splits them (commas and whitespace), with offsets into the whole file so an edit can touch exactly one entry.
/// </summary>
internal sealed class ListValueSpan
{
    private ListValueSpan(EnvAssignment assignment, int innerStart, int innerEnd, IReadOnlyList<ListToken> tokens)
    {
        Assignment = assignment;
        InnerStart = innerStart;
        InnerEnd = innerEnd;
        Tokens = tokens;
    }

    public EnvAssignment Assignment { get; }

    /// <summary>Offset of the first character inside the quotes (or of the unquoted value).</summary>
    public int InnerStart { get; }

    /// <summary>Offset just past the last character inside the quotes.</summary>
    public int InnerEnd { get; }

    public IReadOnlyList<ListToken> Tokens { get; }

    public bool IsQuoted => Assignment.Quote != EnvQuote.None;

    /// <summary>
    /// Reads the value's span. Refuses values whose characters are not what they mean (escapes or '$' that
    /// DotNetEnv interprets): editing those character by character could change entries the operator did not name.
    /// </summary>
    public static ListValueSpan Read(string text, EnvAssignment assignment)
    {
        var quoted = assignment.Quote != EnvQuote.None;
        var innerStart = assignment.ValueStart + (quoted ? 1 : 0);
        var innerEnd = assignment.ValueStart + assignment.ValueLength - (quoted ? 1 : 0);
        var inner = text[innerStart..innerEnd];
        if (assignment.Interpolated || !string.Equals(inner, assignment.Value, StringComparison.Ordinal))
        {
            throw new PolicyEditException(PolicyEditFailure.UnsupportedSyntax,
                $"{assignment.Key} line {assignment.Line} uses escapes or '$' that DotNetEnv interprets; edit that line by hand " +
                "(write the list without backslashes or '$', then the tools can edit it)");
        }
        var tokens = new List<ListToken>();
        foreach (var token in ListTokenizer.Tokens(inner))
        {
            tokens.Add(new ListToken(innerStart + token.Start, inner.Substring(token.Start, token.Length)));
        }
        return new ListValueSpan(assignment, innerStart, innerEnd, tokens);
    }
}

namespace P2PSecurity.Core.Editing;

/// <summary>One entry of a list value as it sits in the file: its offset in the whole text and its characters.</summary>
internal readonly record struct ListToken(int Start, string Text)
{
    public int End => Start + Text.Length;
}

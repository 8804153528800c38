namespace P2PSecurity.Core.Editing;

/// <summary>The result of editing a list in the text of a policy file.</summary>
/// <param name="Text">The new text; the same string when nothing changed.</param>
/// <param name="Outcome">What happened.</param>
/// <param name="List">The list edited.</param>
/// <param name="Entry">The entry in canonical form.</param>
public sealed record EnvEdit(string Text, EditOutcome Outcome, PolicyList List, string Entry);

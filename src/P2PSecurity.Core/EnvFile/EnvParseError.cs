namespace P2PSecurity.Core.EnvFile;

/// <summary>A syntax error in an env file, with the line it was found on.</summary>
public sealed record EnvParseError(int Line, string Message);

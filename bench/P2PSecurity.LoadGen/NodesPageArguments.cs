using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using P2PSecurity.LoadGen.Figures;

namespace P2PSecurity.LoadGen;

/// <summary>The command line of <c>nodes-page</c>: <c>[--requests N] [--keys N] [--changes N] [--markdown FILE]</c>.</summary>
internal sealed record NodesPageArguments(int Requests, int Keys, int Changes, string? Markdown)
{
    public static bool TryParse(string[] args, [NotNullWhen(true)] out NodesPageArguments? parsed, [NotNullWhen(false)] out string? error)
    {
        parsed = new NodesPageArguments(200, NodesPageFigure.DefaultKeys, 10, null);
        error = null;
        for (var i = 0; i < args.Length; i++)
        {
            var arg = args[i];
            if (arg == "--markdown" && i + 1 < args.Length)
            {
                parsed = parsed with { Markdown = args[++i] };
                continue;
            }
            if (arg is not ("--requests" or "--keys" or "--changes") || i + 1 >= args.Length ||
                !int.TryParse(args[++i], NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n < (arg == "--changes" ? 0 : 1))
            {
                error = arg is "--requests" or "--keys" or "--changes" or "--markdown"
                    ? $"{arg} needs a {(arg == "--markdown" ? "file" : "whole number")}"
                    : $"unknown argument '{arg}'";
                parsed = null;
                return false;
            }
            parsed = arg switch
            {
                "--requests" => parsed with { Requests = n },
                "--keys" => parsed with { Keys = n },
                _ => parsed with { Changes = n },
            };
        }
        return true;
    }
}

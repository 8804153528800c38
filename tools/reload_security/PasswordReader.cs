using System.Text;

namespace P2PSecurity.Tools.ReloadSecurity;

/// <summary>
/// Reads a password: at a terminal, twice, without echo (the keys are read with interception, nothing is printed but
/// the prompt); otherwise one line from stdin, for scripts (<c>printf '%s\n' "$PW" | reload_security dashboard-password</c>).
/// </summary>
internal sealed class PasswordReader(TextReader input, bool interactive, TextWriter prompt)
{
    public static PasswordReader FromConsole() => new(Console.In, !Console.IsInputRedirected, Console.Error);

    public string Read()
    {
        if (!interactive)
        {
            return input.ReadLine() ?? throw new ToolException(ExitCodes.Usage, "no password on stdin: give it as one line");
        }
        var first = ReadHidden("New dashboard password: ");
        var second = ReadHidden("Again: ");
        return first == second ? first : throw new ToolException(ExitCodes.Usage, "the two passwords differ; nothing was changed");
    }

    private string ReadHidden(string text)
    {
        prompt.Write(text);
        var sb = new StringBuilder();
        while (true)
        {
            var key = Console.ReadKey(intercept: true);
            if (key.Key == ConsoleKey.Enter)
            {
                prompt.WriteLine();
                return sb.ToString();
            }
            if (key.Key == ConsoleKey.Backspace)
            {
                if (sb.Length > 0)
                {
                    sb.Length--;
                }
            }
            else if (!char.IsControl(key.KeyChar))
            {
                sb.Append(key.KeyChar);
            }
        }
    }
}

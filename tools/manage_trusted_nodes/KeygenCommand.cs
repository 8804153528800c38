using System.CommandLine;

namespace P2PSecurity.Tools.ManageTrustedNodes;

internal static class KeygenCommand
{
    public static Command Create()
    {
        var path = new Argument<string>("path") { Description = "The identity file to create (PEM, mode 0600); never overwritten" };
        var command = new Command("keygen", "Create a node identity (ECDSA P-256 key and self-signed certificate) and print its node key") { path };
        command.SetAction(parse => new IdentityCreator(ToolContext.From(parse, needsPolicyFile: false)).Run(parse.GetValue(path)!));
        return command;
    }
}

using DotNetty.Transport.Channels;
using P2PSecurity.Core.Protocol;
using P2PSecurity.Core.Security;

namespace P2PSecurity.Server.Pipeline;

/// <summary>Ends a connection with a last message, with a bound so that a peer that does not read cannot hold it open.</summary>
internal static class ChannelClosing
{
    /// <summary>How long a last message may take to leave before the connection is closed anyway.</summary>
    public static readonly TimeSpan LastMessageBound = TimeSpan.FromMilliseconds(500);

    /// <summary>Writes a Refusal with the reason, then closes.</summary>
    public static void Refuse(IChannelHandlerContext ctx, DenyReason reason) =>
        SendAndClose(ctx.Channel, RefusalMessage.For(reason));

    /// <summary>Writes the message from the pipeline's tail, then closes; closes after the bound regardless.</summary>
    public static void SendAndClose(IChannel channel, NodeMessage last)
    {
        if (!channel.Active)
        {
            return;
        }
        channel.EventLoop.Schedule(static c => ((IChannel)c).CloseAsync(), channel, LastMessageBound);
        channel.WriteAndFlushAsync(last).ContinueWith(
            static (_, c) => ((IChannel)c!).CloseAsync(), channel, TaskContinuationOptions.ExecuteSynchronously);
    }
}

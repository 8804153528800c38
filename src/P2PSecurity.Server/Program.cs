using P2PSecurity.Server.Hosting;

return await ServerHost.RunAsync(args, builder =>
{
    // control channel: registered by ControlChannel (issue 4)
});

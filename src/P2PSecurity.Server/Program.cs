using P2PSecurity.Server.Hosting;

// The node server: policy, log, identity, DotNetty listener, bootstrap dialers, SIGHUP and the control channel.
return await ServerHost.RunAsync(args);

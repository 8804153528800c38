using P2PSecurity.Tools;
using P2PSecurity.Tools.WatchConfig;

return await ToolRunner.RunAsync(WatchCommand.Create(), "watch_config", args);

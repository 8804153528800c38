// The end-to-end tests use Linux facilities: any 127.x.y.z as a client address, POSIX signals, file modes.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]

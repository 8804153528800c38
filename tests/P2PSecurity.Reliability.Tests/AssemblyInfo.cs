// The harnesses use Linux facilities: any 127.x.y.z as a client address, /proc for the server's memory, signals.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]

// Each test runs a server process and loads it; run one at a time so their figures do not disturb each other.
[assembly: Xunit.v3.Parallelization(Mode = Xunit.Sdk.ParallelMode.None)]

// Test tiers (issue 9): the harnesses drive real servers and sockets: end to end.
[assembly: Trait("Tier", "EndToEnd")]

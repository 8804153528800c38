// Test tiers (issue 9): every test here is a unit test: no sockets, no DotNetty, no processes.
// Filter with: dotnet test --project tests/P2PSecurity.Core.Tests --filter-trait "Tier=Unit"
[assembly: Trait("Tier", "Unit")]

// The host is built in issue 3 (the node server); this placeholder keeps the solution building.
return 0;

"""What every command shares: where the project is, which stack file, the arguments every command takes."""

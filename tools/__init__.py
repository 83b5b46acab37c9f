"""Developer tooling: the local emulator, deploy helpers and generators (not shipped)."""

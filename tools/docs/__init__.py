"""Generated documentation (`make docs`): the network diagram and every generated section of README.md and docs/."""

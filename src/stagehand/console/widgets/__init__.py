"""The console's widgets: each draws one part of `ConsoleState`, none talks to the core."""

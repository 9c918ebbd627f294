"""Use cases of zhucun: configuration, the unit of work, the services and the command line."""

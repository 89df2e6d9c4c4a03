package postgres

func runCrashChild() bool { return false }

"""The collector process: runs health checks on a schedule, stores results, alerts."""

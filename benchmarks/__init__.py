"""dualnet's benchmarks: each measurement runs in fresh processes, side by side."""

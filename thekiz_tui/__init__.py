"""thekiz: the planner of the ThEKiZ process coaches."""

__version__ = "0.1.0"

"""The user's network: tie strength, mutual connections, the ego graph."""

from havewemet.network.ties import describe_tie, tie_strength

__all__ = ["describe_tie", "tie_strength"]

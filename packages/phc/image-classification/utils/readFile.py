"""``readFile(path)``: the TextArgs tokeniser."""

from phc.textargs import readFile

__all__ = ["readFile"]

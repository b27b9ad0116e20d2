"""loabroadcast: neighbourhood loudspeaker (loa truyền thanh) broadcasting."""

__version__ = "0.1.0"

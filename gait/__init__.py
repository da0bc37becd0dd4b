"""Running-form analyzer: video -> pose -> gait events -> form metrics -> cues and report."""

__version__ = "0.3.0"

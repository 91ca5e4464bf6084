"""Quaternion ResNets and VGGs."""

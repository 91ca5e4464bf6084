"""Real-valued ResNets and VGGs."""

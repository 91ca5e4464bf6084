"""PHC ResNets and VGGs."""

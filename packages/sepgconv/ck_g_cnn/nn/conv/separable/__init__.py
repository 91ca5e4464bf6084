"""Group convolution implementation."""

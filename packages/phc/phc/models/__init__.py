"""The image-classification model zoo: real, quaternion and PHC ResNets and VGGs, and the
legacy small ResNets."""

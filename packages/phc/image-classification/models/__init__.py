"""The model zoo at the original paths (real/, quat/, phc/, small-resnets/)."""

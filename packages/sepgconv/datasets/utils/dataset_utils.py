"""Image transforms used by the dataset makers and loaders."""

import torch
from PIL import Image
from torchvision.transforms import InterpolationMode
from torchvision.transforms import functional as TF

__all__ = [
    "RandomDiscreteRotationElement",
    "RandomRotation",
    "RandomScaling",
    "Rotate",
    "Scale",
    "pil_loader",
]


def _zoom_out_box(width: int, height: int, factor: float) -> tuple[int, int, int, int]:
    """(top, left, crop_height, crop_width) of the centre crop of side size/factor."""
    half_w, half_h = width // 2, height // 2
    top = int(half_h - half_h / factor)
    left = int(half_w - half_w / factor)
    return top, left, int((half_h / factor) * 2), int((half_w / factor) * 2)


class Rotate:
    """Rotate by a fixed angle in degrees (bilinear)."""

    def __init__(self, angle: float) -> None:
        self.angle = angle

    def __call__(self, x):
        return TF.rotate(x, self.angle, interpolation=InterpolationMode.BILINEAR)


class RandomRotation:
    """Rotate by an angle drawn uniformly from [min_angle, max_angle] (one torch.rand draw)."""

    def __init__(self, min_angle: float, max_angle: float) -> None:
        self.min_angle = min_angle
        self.max_angle = max_angle

    def __call__(self, x):
        angle = (torch.rand(1) * (self.min_angle - self.max_angle) + self.max_angle).item()
        return TF.rotate(x, angle, interpolation=InterpolationMode.BILINEAR)


class RandomScaling:
    """Zoom out by a factor f ∈ [min_factor, max_factor]: centre crop of side size/f (zero
    filled outside the image), resized back to the input size (bicubic)."""

    def __init__(self, min_factor: float, max_factor: float) -> None:
        self.min_factor = min_factor
        self.max_factor = max_factor

    def __call__(self, x):
        factor = (torch.rand(1) * (self.min_factor - self.max_factor) + self.max_factor).item()
        width, height = TF.get_image_size(x)
        top, left, crop_h, crop_w = _zoom_out_box(width, height, factor)
        return TF.resized_crop(
            x, top, left, crop_h, crop_w, [width, height], interpolation=InterpolationMode.BICUBIC
        )


class Scale:
    """Zoom out a tensor image by a fixed factor (bilinear)."""

    def __init__(self, factor: float) -> None:
        self.factor = factor

    def __call__(self, x):
        top, left, crop_h, crop_w = _zoom_out_box(x.shape[-1], x.shape[-2], self.factor)
        return TF.resized_crop(
            x,
            top,
            left,
            crop_h,
            crop_w,
            [x.shape[-2], x.shape[-1]],
            interpolation=InterpolationMode.BILINEAR,
        )


class RandomDiscreteRotationElement:
    """Rotate by one of ``num_group_elements`` equally spaced angles in ``degrees``."""

    def __init__(self, degrees: tuple[float, float], num_group_elements: int) -> None:
        self.elements = torch.linspace(float(degrees[0]), float(degrees[1]), num_group_elements)

    def __call__(self, img):
        angle = float(self.elements[torch.randint(high=self.elements.shape[0], size=[1]).item()])
        return TF.rotate(img, angle, fill=0)


def pil_loader(path: str) -> Image.Image:
    """Open an image file as 8-bit grayscale ("L")."""
    with open(path, "rb") as handle:
        return Image.open(handle).convert("L")

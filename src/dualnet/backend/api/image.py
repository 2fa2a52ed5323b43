"""Image ops, channels-last: ``(N, H, W, C)`` batches or ``(H, W, C)`` single images, as ``keras.ops.image``."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from dualnet.backend.api.types import ArrayLike, Tensor


class ImageAPI(Protocol):
    """The functions behind ``dn.ops.image`` (named there without the ``image_`` prefix); arguments come checked."""

    def image_rgb_to_grayscale(self, images: ArrayLike) -> Tensor:
        """``(..., H, W, 3)`` RGB (or 1-channel) images as ``(..., H, W, 1)`` luma, in their dtype."""

    def image_rgb_to_hsv(self, images: ArrayLike) -> Tensor:
        """``(..., H, W, 3)`` float RGB in [0, 1] as HSV in [0, 1], same shape."""

    def image_hsv_to_rgb(self, images: ArrayLike) -> Tensor:
        """``(..., H, W, 3)`` float HSV in [0, 1] as RGB, same shape."""

    def image_resize(
        self,
        images: ArrayLike,
        size: tuple[int, int],
        interpolation: str = "bilinear",
        antialias: bool = False,
        crop_to_aspect_ratio: bool = False,
        pad_to_aspect_ratio: bool = False,
        fill_mode: str = "constant",
        fill_value: float = 0.0,
    ) -> Tensor:
        """``(..., H, W, C)`` resized to ``(..., *size, C)``, half-pixel centres."""

    def image_affine_transform(
        self,
        images: ArrayLike,
        transform: ArrayLike,
        interpolation: str = "bilinear",
        fill_mode: str = "constant",
        fill_value: float = 0.0,
    ) -> Tensor:
        """``(..., H, W, C)`` sampled at the projective map ``(8,)`` / ``(N, 8)`` of each output pixel, same shape."""

    def image_map_coordinates(
        self,
        inputs: ArrayLike,
        coordinates: ArrayLike,
        order: int,
        fill_mode: str = "constant",
        fill_value: float = 0.0,
    ) -> Tensor:
        """``inputs`` (rank r) sampled at ``coordinates`` ``(r, *out)``: shape ``out``."""

    def image_crop_images(
        self,
        images: ArrayLike,
        top_cropping: int | None = None,
        left_cropping: int | None = None,
        bottom_cropping: int | None = None,
        right_cropping: int | None = None,
        target_height: int | None = None,
        target_width: int | None = None,
    ) -> Tensor:
        """``(..., H, W, C)`` cropped to ``(..., target_height, target_width, C)``."""

    def image_pad_images(
        self,
        images: ArrayLike,
        top_padding: int | None = None,
        left_padding: int | None = None,
        bottom_padding: int | None = None,
        right_padding: int | None = None,
        target_height: int | None = None,
        target_width: int | None = None,
    ) -> Tensor:
        """``(..., H, W, C)`` zero-padded to ``(..., target_height, target_width, C)``."""

    def image_extract_patches(
        self,
        images: ArrayLike,
        size: int | Sequence[int],
        strides: int | Sequence[int] | None = None,
        dilation_rate: int | Sequence[int] = 1,
        padding: str = "valid",
    ) -> Tensor:
        """``(..., H, W, C)`` as ``(..., H', W', kh * kw * C)`` patches (features in (kh, kw, C) order)."""

    def image_extract_patches_3d(
        self,
        volumes: ArrayLike,
        size: int | Sequence[int],
        strides: int | Sequence[int] | None = None,
        dilation_rate: int | Sequence[int] = 1,
        padding: str = "valid",
    ) -> Tensor:
        """``(..., D, H, W, C)`` as ``(..., D', H', W', kd * kh * kw * C)`` patches."""

    def image_gaussian_blur(
        self, images: ArrayLike, kernel_size: tuple[int, int] = (3, 3), sigma: tuple[float, float] = (1.0, 1.0)
    ) -> Tensor:
        """``(..., H, W, C)`` convolved per channel with a Gaussian, zero ``"same"`` padding; same shape."""

    def image_elastic_transform(
        self,
        images: ArrayLike,
        alpha: float = 20.0,
        sigma: float = 5.0,
        interpolation: str = "bilinear",
        fill_mode: str = "reflect",
        fill_value: float = 0.0,
        seed: int | None = None,
    ) -> Tensor:
        """``(..., H, W, C)`` resampled along a random smooth displacement field; same shape."""

    def image_perspective_transform(
        self,
        images: ArrayLike,
        start_points: ArrayLike,
        end_points: ArrayLike,
        interpolation: str = "bilinear",
        fill_value: float = 0.0,
    ) -> Tensor:
        """``(..., H, W, C)`` warped so the 4 ``start_points`` ``(..., 4, 2)`` land on ``end_points``; same shape."""

    def image_scale_and_translate(
        self,
        images: ArrayLike,
        output_shape: Sequence[int],
        scale: Sequence[float],
        translation: Sequence[float],
        spatial_dims: Sequence[int],
        method: str,
        antialias: bool = True,
    ) -> Tensor:
        """``images`` resampled along ``spatial_dims`` to ``output_shape``: output ``j`` samples ``(j+.5-t)/s-.5``."""

    def image_sobel_edges(self, images: ArrayLike) -> Tensor:
        """``(..., H, W, C)`` as ``(..., H, W, C, 2)``: the vertical then horizontal Sobel responses."""

    def image_ssim(
        self,
        image1: ArrayLike,
        image2: ArrayLike,
        max_val: float = 1.0,
        filter_size: int = 11,
        filter_sigma: float = 1.5,
        k1: float = 0.01,
        k2: float = 0.03,
    ) -> Tensor:
        """The mean SSIM of ``(N, H, W, C)`` image pairs: ``(N,)`` (a scalar for ``(H, W, C)``)."""

"""Checks a smooth run's output against a whole-volume reference, driven by SmoothExampleTest.

  check_smoothed.py CONTAINER [OTHER_CONTAINER]

Opens CONTAINER/raw and CONTAINER/smoothed with zarr-python, computes scipy's gaussian_filter of
the whole raw volume (sigma 2, truncate 3, float32: no blocks) and compares it with smoothed away
from the volume's border (the kernel's radius, 6 voxels, where blocks read zeros beyond the
array and scipy reflects). With OTHER_CONTAINER, also compares OTHER_CONTAINER/smoothed (the
Python variant's) with CONTAINER/smoothed everywhere. Prints one "max_abs_diff NAME VALUE" line
per comparison and "shape ..." for the test to check.
"""
import sys

import numpy as np
import zarr
from scipy.ndimage import gaussian_filter

SIGMA = 2.0
TRUNCATE = 3.0
RADIUS = int(TRUNCATE * SIGMA + 0.5)

root = zarr.open_group(sys.argv[1], mode="r")
raw = root["raw"][:]
smoothed = root["smoothed"][:]
print("shape", *raw.shape, "dtype", raw.dtype, smoothed.dtype)
print("voxel_size", *root["smoothed"].attrs["voxel_size"], "offset", *root["smoothed"].attrs["offset"])
reference = gaussian_filter(raw, sigma=SIGMA, truncate=TRUNCATE, output=np.float32)
inner = (slice(RADIUS, -RADIUS),) * 3
print("max_abs_diff reference", float(np.abs(reference[inner] - smoothed[inner]).max()))
print("value_range", float(smoothed.min()), float(smoothed.max()))
mask = root["mask"][:]
print("mask", *mask.shape, "ones", int(mask.sum()))
if len(sys.argv) > 2:
    other = zarr.open_group(sys.argv[2], mode="r")["smoothed"][:]
    print("max_abs_diff other", float(np.abs(other - smoothed).max()))

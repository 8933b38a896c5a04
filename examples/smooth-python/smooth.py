"""Task `smoothed` of examples/smooth-python/smooth.yaml as a Python stream worker.

The same 3-D Gaussian as the Java task (sigma 2 voxels, truncated at 3 sigma, float32) with
zarr-python and scipy, on the same container: <run_dir>/smooth.zarr, reading `raw` and writing
`smoothed`. daisy_stream hands each block over with its read and write ROIs; this file only
says what to do with one block.
"""
import os
import shutil
import tempfile

import numpy as np
import zarr
from numcodecs import Zstd
from scipy.ndimage import gaussian_filter

import daisy_stream

SIGMA = 2.0
TRUNCATE = 3.0
RADIUS = int(TRUNCATE * SIGMA + 0.5)  # scipy's kernel radius: the context the config gives

container = os.path.join(os.environ["DAISY_RUN_DIR"], "smooth.zarr")
arrays = {}


def open_arrays():
    """Opens raw and smoothed on the first block: raw exists once a block depending on it arrives."""
    raw = zarr.open_array(os.path.join(container, "raw"), mode="r")
    path = os.path.join(container, "smoothed")
    if not os.path.exists(os.path.join(path, ".zarray")):
        # Every worker of the task may get here at once. Each builds the array's metadata in a
        # directory of its own and renames it into place: the first rename wins whole, the
        # others fail (the target is no longer empty) and open the winner's.
        tmp = tempfile.mkdtemp(prefix=".smoothed-", dir=container)
        new = zarr.open_array(tmp, mode="w", shape=raw.shape, chunks=raw.chunks, dtype="<f4",
                              compressor=Zstd(level=3), fill_value=0)
        new.attrs.update(voxel_size=raw.attrs["voxel_size"], offset=raw.attrs["offset"])
        try:
            os.rename(tmp, path)
        except OSError:
            shutil.rmtree(tmp, ignore_errors=True)
    arrays["raw"] = raw
    arrays["smoothed"] = zarr.open_array(path, mode="r+")


def read_padded(array, slices):
    """array[slices] where slices may reach beyond the array (context at the volume's border):
    that part holds the fill value, as in the Java reader. (zarr-python would take a negative
    start from the end.)"""
    inside = tuple(slice(max(s.start, 0), min(s.stop, n)) for s, n in zip(slices, array.shape))
    out = np.full(tuple(s.stop - s.start for s in slices), array.fill_value, dtype=array.dtype)
    out[tuple(slice(i.start - s.start, i.stop - s.start) for i, s in zip(inside, slices))] = array[inside]
    return out


def process(block):
    if not arrays:
        open_arrays()
    raw, smoothed = arrays["raw"], arrays["smoothed"]
    voxel_size, origin = raw.attrs["voxel_size"], raw.attrs["offset"]
    data = read_padded(raw, block.read_roi.to_slices(voxel_size, origin))
    result = gaussian_filter(data, sigma=SIGMA, truncate=TRUNCATE, output=np.float32)
    inner = tuple(slice(RADIUS, n - RADIUS) for n in data.shape)
    smoothed[block.write_roi.to_slices(voxel_size, origin)] = result[inner]


daisy_stream.serve(process)

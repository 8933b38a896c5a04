"""Interop with zarr-python (v2 arrays), driven by ZarrPythonInteropTest.

  write ROOT: writes arrays of many dtypes and compressors under ROOT, some chunks left
              missing, and beside each array NAME the file NAME.bin: the array as zarr-python
              reads it back, C order, little-endian.
  read ROOT:  for every NAME.bin under ROOT, reads the array NAME and prints "ok NAME" if it
              equals the .bin, else "MISMATCH NAME ..."; also checks voxel_size/offset attrs.
"""
import os
import sys

import numpy as np
import zarr
from numcodecs import GZip, Blosc, Zlib, Zstd


def pattern(shape, dtype, rng):
    base = (np.indices(shape).sum(axis=0) * 3) % 200
    noise = rng.integers(0, 256, size=shape)
    v = np.where(rng.random(shape) < 0.3, noise, base).astype(np.float64)
    kind = np.dtype(dtype).kind
    if kind == "f":
        v = v / 4 - 20 + rng.normal(size=shape)
    elif kind == "i":
        v = v - 100
    return v.astype(dtype)


def write(root):
    rng = np.random.default_rng(7)
    compressors = {
        "blosc-default": Blosc(),  # zarr-python's default: lz4, clevel 5, byte shuffle
        "blosc-lz4hc": Blosc(cname="lz4hc", clevel=5, shuffle=Blosc.SHUFFLE),
        "blosc-zstd": Blosc(cname="zstd", clevel=3, shuffle=Blosc.SHUFFLE),
        "blosc-zlib": Blosc(cname="zlib", clevel=5, shuffle=Blosc.NOSHUFFLE),
        "blosc-blosclz": Blosc(cname="blosclz", clevel=5, shuffle=Blosc.SHUFFLE),
        "blosc-blosclz9": Blosc(cname="blosclz", clevel=9, shuffle=Blosc.NOSHUFFLE),
        "zlib": Zlib(level=5),
        "gzip": GZip(level=5),
        "zstd": Zstd(level=3),
        "none": None,
    }
    dtypes = ["|u1", "<u2", "<u4", "<u8", "|i1", "<i2", "<i4", "<i8", "<f4", "<f8", ">u2", ">i4", ">f8"]
    cases = []
    for dt in dtypes:
        for cname, comp in compressors.items():
            cases.append((cname, comp, dt, (23, 41, 9), (8, 16, 4), "."))
    # chunks of several Blosc blocks, split into one stream per byte of the type
    for dt in ["|u1", "<u2", "<f4", "<f8"]:
        for cname in ["blosc-default", "blosc-zstd", "blosc-blosclz", "blosc-lz4hc"]:
            cases.append((cname, compressors[cname], dt, (64, 64, 70), (32, 64, 64), "/"))
    for cname, comp, dt, shape, chunks, sep in cases:
        name = "%s-%s-%s-%s" % (cname, dt.replace("<", "le").replace(">", "be").replace("|", ""),
                                shape[0], "nested" if sep == "/" else "flat")
        path = os.path.join(root, name)
        a = zarr.open_array(path, mode="w", shape=shape, chunks=chunks, dtype=dt,
                            compressor=comp, fill_value=3, dimension_separator=sep)
        data = pattern(shape, dt, rng)
        a[:, :, chunks[2]:] = data[:, :, chunks[2]:]  # the first chunk column stays missing
        a.attrs["voxel_size"] = [4, 2, 1]
        a.attrs["offset"] = [8, -6, 0]
        back = a[:]
        back.astype(back.dtype.newbyteorder("<")).tofile(path + ".bin")
        print("wrote", name)


def read(root):
    for f in sorted(os.listdir(root)):
        if not f.endswith(".bin"):
            continue
        name = f[:-4]
        a = zarr.open_array(os.path.join(root, name), mode="r")
        expected = np.fromfile(os.path.join(root, f), dtype=a.dtype.newbyteorder("<")).reshape(a.shape)
        got = a[:]
        same = np.array_equal(got, expected, equal_nan=(a.dtype.kind == "f"))
        attrs = dict(a.attrs)
        if same and "voxel_size" in attrs and "offset" in attrs:
            print("ok", name, a.dtype.str, a.compressor)
        else:
            print("MISMATCH", name, a.dtype.str, a.compressor, attrs)


if __name__ == "__main__":
    {"write": write, "read": read}[sys.argv[1]](sys.argv[2])

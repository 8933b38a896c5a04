/**
 * Chunked n-D arrays on a file system, read and written by ROI in world units: Zarr v2 and v3
 * as zarr-python, zarrita and funlib.persistence write them.
 *
 * <p>Entry points: {@link org.daisyjava.persistence.ZarrArray#open}, {@link
 * org.daisyjava.persistence.ZarrArray#openOrCreate} with an {@link
 * org.daisyjava.persistence.ArraySpec}, {@link org.daisyjava.persistence.ZarrGroup}; data moves in
 * {@link org.daisyjava.persistence.ArrayBlock}s. A block function typically opens its arrays once
 * and, per block, reads {@code block.readRoi()} and writes {@code block.writeRoi()}:
 *
 * <pre>{@code
 * ZarrArray raw = ZarrArray.open(runDir.resolve("smooth.zarr/raw"));
 * ArrayBlock in = raw.read(block.readRoi());          // world units; outside the array: fill value
 * out.write(block.writeRoi(), result);                // whole chunks, each renamed into place
 * }</pre>
 *
 * Supported: dtypes {@code |u1 <u2 <u4 <u8 |i1 <i2 <i4 <i8 <f4 <f8} (and big-endian on read), C
 * order, v2 compressors none, zlib, gzip, zstd and blosc (lz4, lz4hc, zstd, zlib, blosclz; byte
 * shuffle or none; Blosc is implemented here in Java, so no native c-blosc is needed), v3 codecs
 * bytes, transpose, gzip, zstd, blosc and crc32c, regular chunk grids with default or v2 chunk
 * keys. Not supported (a clear error): v2 filters, F order, structured dtypes, sharding, Blosc
 * bit shuffle and snappy.
 */
package org.daisyjava.persistence;

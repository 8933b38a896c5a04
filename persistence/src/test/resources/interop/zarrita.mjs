// Interop with zarrita (Zarr v3 in JavaScript), driven by ZarritaInteropTest.
//   node zarrita.mjs write ROOT: writes v3 arrays of many types and codec chains under ROOT (the
//     first chunk column left missing) and beside each array NAME the file NAME.bin: the array as
//     zarrita reads it back, C order, little-endian.
//   node zarrita.mjs read ROOT: for every NAME.bin, reads NAME and prints "ok NAME" if equal.
// zarrita is imported from $ZARRITA_DIR/node_modules (installed with npm; see .ci/run).
import fs from "node:fs";
import path from "node:path";

const base = path.join(process.env.ZARRITA_DIR, "node_modules");
const zarr = await import(path.join(base, "zarrita/dist/src/index.js"));
const FileSystemStore = (await import(path.join(base, "@zarrita/storage/dist/src/fs.js"))).default;

const TYPES = {
  uint8: Uint8Array, uint16: Uint16Array, uint32: Uint32Array, uint64: BigUint64Array,
  int8: Int8Array, int16: Int16Array, int32: Int32Array, int64: BigInt64Array,
  float32: Float32Array, float64: Float64Array,
};

function cOrder(chunk, dtype) {
  const n = chunk.shape.reduce((a, b) => a * b, 1);
  const out = new TYPES[dtype](n);
  const idx = new Array(chunk.shape.length).fill(0);
  for (let i = 0; i < n; i++) {
    let at = 0;
    for (let d = 0; d < idx.length; d++) at += idx[d] * chunk.stride[d];
    out[i] = chunk.data[at];
    for (let d = idx.length - 1; d >= 0; d--) {
      if (++idx[d] < chunk.shape[d]) break;
      idx[d] = 0;
    }
  }
  return out;
}

async function write(root) {
  const store = new FileSystemStore(root);
  let seed = 12345;
  const rand = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  const chains = {
    bytes: [],
    gzip: [{name: "gzip", configuration: {level: 5}}],
    zstd: [{name: "zstd", configuration: {level: 3, checksum: false}}],
    "zstd-crc32c": [{name: "zstd", configuration: {level: 3, checksum: true}}, {name: "crc32c"}],
    "blosc-lz4": [{name: "blosc", configuration: {cname: "lz4", clevel: 5, shuffle: "shuffle", typesize: 0, blocksize: 0}}],
    "blosc-zstd": [{name: "blosc", configuration: {cname: "zstd", clevel: 3, shuffle: "noshuffle", typesize: 0, blocksize: 0}}],
  };
  for (const [dtype, Ctor] of Object.entries(TYPES)) {
    const size = Ctor.BYTES_PER_ELEMENT;
    for (const [cname, chain] of Object.entries(chains)) {
      for (const variant of ["plain", "transpose", "big"]) {
        const name = `${dtype}-${cname}-${variant}`;
        const shape = [11, 21, 9];
        const chunkShape = [4, 8, 4];
        const codecs = [];
        if (variant === "transpose") codecs.push({name: "transpose", configuration: {order: [2, 0, 1]}});
        codecs.push({name: "bytes", configuration: {endian: variant === "big" && size > 1 ? "big" : "little"}});
        for (const c of chain) {
          const copy = structuredClone(c);
          if (copy.name === "blosc") copy.configuration.typesize = size;
          codecs.push(copy);
        }
        const arr = await zarr.create(zarr.root(store).resolve(name), {
          shape, chunkShape, dtype, codecs, fillValue: 3,
          chunkSeparator: variant === "plain" ? "/" : ".",
          attributes: {voxel_size: [4, 2, 1], offset: [8, -6, 0]},
        });
        const n = shape[0] * shape[1] * (shape[2] - 4);
        const data = new Ctor(n);
        for (let i = 0; i < n; i++) {
          let v = rand() < 0.3 ? Math.floor(rand() * 256) : (Math.floor(i / 7) % 200);
          if (dtype.startsWith("float")) v = v / 4 - 20 + rand();
          else if (dtype.startsWith("int")) v -= 100;
          data[i] = Ctor === BigInt64Array || Ctor === BigUint64Array ? BigInt(v) : v;
        }
        try {
          await zarr.set(arr, [null, null, zarr.slice(4, null)], {data, shape: [shape[0], shape[1], shape[2] - 4],
            stride: [shape[1] * (shape[2] - 4), shape[2] - 4, 1]});
        } catch (e) {
          // zarrita decodes gzip but cannot encode it: such arrays are checked the other way only
          console.log("cannot-encode", name, String(e.cause ?? e).split("\n")[0]);
          fs.rmSync(path.join(root, name), {recursive: true});
          continue;
        }
        const back = await zarr.get(await zarr.open(zarr.root(store).resolve(name), {kind: "array"}));
        fs.writeFileSync(path.join(root, name + ".bin"), Buffer.from(cOrder(back, dtype).buffer));
        console.log("wrote", name);
      }
    }
  }
}

async function read(root) {
  const store = new FileSystemStore(root);
  for (const f of fs.readdirSync(root).sort()) {
    if (!f.endsWith(".bin")) continue;
    const name = f.slice(0, -4);
    const arr = await zarr.open(zarr.root(store).resolve(name), {kind: "array"});
    const got = Buffer.from(cOrder(await zarr.get(arr), arr.dtype).buffer);
    const expected = fs.readFileSync(path.join(root, f));
    console.log(got.equals(expected) && arr.attrs.voxel_size ? "ok" : "MISMATCH", name, arr.dtype);
  }
}

await ({write, read})[process.argv[2]](process.argv[3]);

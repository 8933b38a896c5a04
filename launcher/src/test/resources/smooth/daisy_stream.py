"""TEST STAND-IN for worker/python/daisy_stream.py, which another part of the project provides.

Only what SmoothExampleTest needs to run examples/smooth-python/smooth.py before the real helper
is merged: the same API (serve(process); block.block_id, .task, .attempt, .read_roi, .write_roi;
Roi.offset, .shape, .to_slices(voxel_size=None, origin=None)) over the contract's stream line
format. Not shipped; the real module replaces it.
"""
import json
import sys
import traceback


class Roi:
    def __init__(self, offset, shape):
        self.offset = tuple(offset)
        self.shape = tuple(shape)

    def to_slices(self, voxel_size=None, origin=None):
        voxel_size = voxel_size or (1,) * len(self.offset)
        origin = origin or (0,) * len(self.offset)
        return tuple(slice((o - b) // v, (o + s - b) // v)
                     for o, s, v, b in zip(self.offset, self.shape, voxel_size, origin))


class Block:
    def __init__(self, line):
        self.block_id = line["block_id"]
        self.task = line["task"]
        self.attempt = line["attempt"]
        self.read_roi = Roi(line["read_offset"], line["read_shape"])
        self.write_roi = Roi(line["write_offset"], line["write_shape"])


def serve(process):
    answers = sys.stdout
    sys.stdout = sys.stderr  # user prints must not reach the answer channel
    for text in sys.stdin:
        line = json.loads(text)
        try:
            process(Block(line))
            answer = {"block_id": line["block_id"], "status": "success"}
        except Exception:
            answer = {"block_id": line["block_id"], "status": "failed", "error": traceback.format_exc()}
        answers.write(json.dumps(answer) + "\n")
        answers.flush()

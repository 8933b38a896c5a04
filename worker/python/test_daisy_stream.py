"""Unit tests of daisy_stream (run by the worker's DaisyStreamPythonTest: python3 -m unittest)."""

import io
import json
import os
import subprocess
import sys
import unittest

import daisy_stream
from daisy_stream import Block, Roi

HERE = os.path.dirname(os.path.abspath(__file__))


class RoiTest(unittest.TestCase):
    def test_slices_are_in_voxels_relative_to_the_origin(self):
        roi = Roi((8, 16), (64, 32))
        self.assertEqual(roi.to_slices(), (slice(8, 72), slice(16, 48)))
        self.assertEqual(roi.to_slices(voxel_size=(4, 8)), (slice(2, 18), slice(2, 6)))
        self.assertEqual(roi.to_slices(voxel_size=(4, 8), origin=(-8, 16)),
                         (slice(4, 20), slice(0, 4)))
        self.assertEqual(roi.end, (72, 48))

    def test_a_roi_off_the_voxel_grid_is_refused(self):
        with self.assertRaises(ValueError):
            Roi((6,), (64,)).to_slices(voxel_size=(4,))
        with self.assertRaises(ValueError):
            Roi((0,), (10,)).to_slices(voxel_size=(4,))
        with self.assertRaises(ValueError):
            Roi((0, 0), (4, 4)).to_slices(voxel_size=(1,))

    def test_a_block_from_the_workers_request_line(self):
        block = Block.from_json(json.dumps({
            "block_id": 5, "attempt": 2, "task": "gauss", "read_offset": [-8, 0],
            "read_shape": [80, 64], "write_offset": [0, 0], "write_shape": [64, 64]}))
        self.assertEqual((block.block_id, block.task, block.attempt), (5, "gauss", 2))
        self.assertEqual(block.read_roi, Roi((-8, 0), (80, 64)))
        self.assertEqual(block.write_roi, Roi((0, 0), (64, 64)))


SERVER = r'''
import os, sys
import daisy_stream
os.write(1, b"library noise without newline")
def process(block):
    print("user print", block.block_id)
    os.write(1, b"C noise\n")
    if block.block_id == 2:
        raise KeyError("no such input")
daisy_stream.serve(process)
print("after serve")
'''


class ServeTest(unittest.TestCase):
    def test_answers_are_marked_lines_and_nothing_else_reaches_stdout(self):
        requests = "".join(json.dumps({
            "block_id": i, "attempt": 1, "task": "t", "read_offset": [0], "read_shape": [1],
            "write_offset": [0], "write_shape": [1]}) + "\n" for i in (1, 2, 3))
        env = dict(os.environ, PYTHONPATH=HERE)
        done = subprocess.run([sys.executable, "-c", SERVER], input=requests.encode(),
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, timeout=60)
        self.assertEqual(done.returncode, 0, done.stderr)
        out = [l for l in done.stdout.decode().split("\n") if l]
        # the noise printed before serve() ends its own line; then only answers
        self.assertEqual(out[0], "library noise without newline")
        answers = [json.loads(l[len("@daisy "):]) for l in out[1:]]
        self.assertTrue(all(l.startswith("@daisy ") for l in out[1:]), out)
        self.assertEqual([a["block_id"] for a in answers], [1, 2, 3])
        self.assertEqual([a["status"] for a in answers], ["success", "failed", "success"])
        self.assertIn("KeyError: 'no such input'", answers[1]["error"])
        self.assertIn("Traceback", answers[1]["error"])
        err = done.stderr.decode()
        for expected in ("user print 1", "C noise", "after serve"):
            self.assertIn(expected, err)


if __name__ == "__main__":
    unittest.main()

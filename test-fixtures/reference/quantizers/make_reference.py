"""Reference bytes for the engine's Q8_0/Q4_0 quantizers, from the numpy port of ggml's reference
quantizers in the model tools (gguf_lib.py). Run from the project root with ../shared beside it:

    python3 test-fixtures/reference/quantizers/make_reference.py ../shared/tools

Writes input.f32 (little-endian float32), q8_0.bin and q4_0.bin here. Blocks of 32: seeded normal
values at several scales, then blocks made to hit the edge cases (zeros, exact halves after
scaling, a negative maximum, ties for the largest magnitude, tiny and huge values).
"""
import os
import sys

import numpy as np

sys.path.insert(0, sys.argv[1] if len(sys.argv) > 1 else "../shared/tools")
import gguf_lib as G  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
rng = np.random.default_rng(20240614)
blocks = []
for scale in (1e-3, 0.02, 1.0, 300.0):
    blocks += list(rng.normal(0, scale, size=(16, 32)).astype(np.float32))
blocks.append(np.zeros(32, np.float32))
# q8_0: d = 127/127 = 1, so x·(1/d) lands exactly on halves: ties must go away from zero
blocks.append(np.array([127.0] + [k + 0.5 for k in range(-16, 15)], np.float32))
# q4_0: max = -8 gives d = 1, x·(1/d) + 8.5 lands on integers and halves
blocks.append(np.array([-8.0] + [(k % 17) - 8.5 for k in range(31)], np.float32))
# two values of the largest magnitude with opposite signs: the first one sets the sign of d
blocks.append(np.array([0.5, -2.0, 2.0] + [0.25] * 29, np.float32))
blocks.append(np.array([1e-30] * 16 + [-3e-30] * 16, np.float32))
blocks.append(np.array([6e4, -6e4] + list(rng.normal(0, 1e4, 30)), np.float32))
x = np.concatenate(blocks).astype(np.float32)
x.astype("<f4").tofile(os.path.join(HERE, "input.f32"))
G.quantize_q8_0(x).tofile(os.path.join(HERE, "q8_0.bin"))
G.quantize_q4_0(x).tofile(os.path.join(HERE, "q4_0.bin"))
print(len(x) // 32, "blocks")

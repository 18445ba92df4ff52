// Errors of the options and of the file as a whole are reported on the module
// before any weight is bound: each RUN line has its own message, so they are
// checked with FileCheck rather than -verify-diagnostics.

// RUN: %python %S/../oracle/safetensors_file.py %t.safetensors m.w:F32:4
// RUN: effnet-opt %s --effnet-bind-weights="file=%t.safetensors naming=canonical" -o /dev/null

// RUN: not effnet-opt %s --effnet-bind-weights="file=%t.safetensors random=1" 2>&1 | FileCheck %s --check-prefix=BOTH
// RUN: not effnet-opt %s --effnet-bind-weights 2>&1 | FileCheck %s --check-prefix=NEITHER
// RUN: not effnet-opt %s --effnet-bind-weights="random=-3" 2>&1 | FileCheck %s --check-prefix=SEED
// RUN: not effnet-opt %s --effnet-bind-weights="random=1 naming=onnx" 2>&1 | FileCheck %s --check-prefix=NAMING
// RUN: not effnet-opt %s --effnet-bind-weights="file=%t.absent" 2>&1 | FileCheck %s --check-prefix=ABSENT

// Corrupt files: too short, a header length past the end, a header that is
// not JSON, a tensor whose bytes do not match its shape. Every kind is
// covered by the unit tests; these show the pass reports them, once.
// RUN: %python -c "open('%t.short', 'wb').write(b'abc')"
// RUN: not effnet-opt %s --effnet-bind-weights="file=%t.short" 2>&1 | FileCheck %s --check-prefix=SHORT
// RUN: %python -c "import struct; open('%t.past', 'wb').write(struct.pack('<Q', 4096) + bytes(92))"
// RUN: not effnet-opt %s --effnet-bind-weights="file=%t.past" 2>&1 | FileCheck %s --check-prefix=PAST
// RUN: %python -c "import struct; open('%t.json', 'wb').write(struct.pack('<Q', 8) + b'{\"a\":1  ')"
// RUN: not effnet-opt %s --effnet-bind-weights="file=%t.json" 2>&1 | FileCheck %s --check-prefix=JSON
// RUN: %python -c "import struct; h = b'{\"m.w\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,15]}}'; open('%t.count', 'wb').write(struct.pack('<Q', len(h)) + h + bytes(15))"
// RUN: not effnet-opt %s --effnet-bind-weights="file=%t.count" 2>&1 | FileCheck %s --check-prefix=COUNT

// BOTH: effnet-bind-weights-errors.mlir:[[# @LINE + 14]]:1: error: effnet-bind-weights: give one of 'file' or 'random', not both
// NEITHER: error: effnet-bind-weights: give 'file' (a safetensors file) or 'random' (a seed)
// SEED: error: effnet-bind-weights: expects 'random' to be a seed >= 0, got -3
// NAMING: error: effnet-bind-weights: unknown naming 'onnx' (expected 'torchvision', 'efficientnet-pytorch', 'timm' or 'canonical')
// ABSENT: error: effnet-bind-weights: weights file '{{.*}}.absent' cannot be read: No such file or directory
// SHORT: error: effnet-bind-weights: {{.*}}.short: file holds 3 bytes, fewer than the 8 of the header length
// PAST: error: effnet-bind-weights: {{.*}}.past: header length 4096 runs past the end of the file (100 bytes)
// JSON: error: effnet-bind-weights: {{.*}}.json: header is not valid JSON: [1:8, byte=8]: Expected , or } after object property
// COUNT: error: effnet-bind-weights: {{.*}}.count: tensor 'm.w': data_offsets [0, 15] hold 15 bytes, but F32 shape [4] needs 16
// Each message comes once, and no weight is bound after it.
// BOTH-NOT: error
// SHORT-NOT: error
// COUNT-NOT: error

module {
  func.func @w() -> tensor<4xf32> {
    %0 = effnet.weight "m.w" : tensor<4xf32>
    return %0 : tensor<4xf32>
  }
}

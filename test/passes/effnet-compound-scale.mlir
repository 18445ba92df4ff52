// RUN: effnet-opt %s -split-input-file --effnet-compound-scale="variant=b3" | FileCheck %s --check-prefix=B3
// RUN: effnet-opt %s -split-input-file --effnet-compound-scale="variant=b5" | FileCheck %s --check-prefix=B5
// RUN: effnet-opt %s -split-input-file --effnet-compound-scale="phi=1" | FileCheck %s --check-prefix=PHI
// RUN: effnet-opt %s -split-input-file --effnet-compound-scale="width=2.0 depth=1.5 resolution=96" | FileCheck %s --check-prefix=EXPLICIT
// RUN: effnet-opt %s -split-input-file --effnet-compound-scale | FileCheck %s --check-prefix=NONE
// RUN: effnet-opt %s -split-input-file --effnet-compound-scale="variant=b5 bn-eps=2e-3" | FileCheck %s --check-prefix=EPS

// The first three rows of B0's table with a head 4x the last stage, at 64x64.
// b3 (width 1.2, depth 1.4, 300x300): channels round as _make_divisible
// (16 * 1.2 = 19.2 -> 16, below 0.9 * 19.2 -> 24), repeats take the ceiling
// (1 -> 2, 2 -> 3), the head stays 4x the last stage, dropout becomes 0.3 and
// every result type is inferred again.
// B3-LABEL: func @table
// B3-SAME: (%{{.*}}: tensor<1x3x300x300xf32>) -> tensor<1x1000xf32>
// B3-SAME: effnet.variant = "b3"
// B3: effnet.stem {{.*}} {kernel = 3 : i64, name = "stem", out_channels = 40 : i64, stride = 2 : i64} : tensor<1x3x300x300xf32> -> tensor<1x40x150x150xf32>
// B3: effnet.stage mbconv {{.*}} out_channels = 24 : i64, repeats = 2 : i64
// B3-SAME: tensor<1x40x150x150xf32> -> tensor<1x24x150x150xf32>
// B3: effnet.stage mbconv {{.*}} out_channels = 32 : i64, repeats = 3 : i64
// B3-SAME: tensor<1x24x150x150xf32> -> tensor<1x32x75x75xf32>
// B3: effnet.stage mbconv {{.*}} out_channels = 48 : i64, repeats = 3 : i64
// B3-SAME: tensor<1x32x75x75xf32> -> tensor<1x48x38x38xf32>
// B3: effnet.head {{.*}} {channels = 192 : i64, dropout = 3.000000e-01 : f64, name = "head", num_classes = 1000 : i64}
// B3-NOT: bn_eps

// b5 also takes torchvision's batch-norm epsilon 1e-3, on every op.
// B5-LABEL: func @table
// B5-SAME: tensor<1x3x456x456xf32>
// B5: effnet.stem {{.*}}bn_eps = 1.000000e-03 : f64
// B5-COUNT-3: effnet.stage mbconv {{.*}}bn_eps = 1.000000e-03 : f64
// B5: effnet.head {{.*}}bn_eps = 1.000000e-03 : f64

// bn-eps overrides the variant's epsilon (checkpoints ported from
// TensorFlow use 1e-3 whatever the variant).
// EPS-LABEL: func @table
// EPS: effnet.stem {{.*}}bn_eps = 2.000000e-03 : f64
// EPS-COUNT-3: effnet.stage mbconv {{.*}}bn_eps = 2.000000e-03 : f64
// EPS: effnet.head {{.*}}bn_eps = 2.000000e-03 : f64

// phi = 1: width 1.1, depth 1.2, resolution round(224 * 1.15) = 258.
// PHI-LABEL: func @table
// PHI-SAME: tensor<1x3x258x258xf32>
// PHI-SAME: effnet.variant = "custom"
// PHI: effnet.stem {{.*}}out_channels = 32 : i64
// PHI: effnet.stage mbconv {{.*}}out_channels = 16 : i64, repeats = 2 : i64
// PHI: effnet.stage mbconv {{.*}}out_channels = 24 : i64, repeats = 3 : i64
// PHI: effnet.stage mbconv {{.*}}out_channels = 48 : i64, repeats = 3 : i64
// PHI-SAME: -> tensor<1x48x33x33xf32>
// PHI: effnet.head {{.*}}channels = 192 : i64

// Explicit multipliers and resolution apply as given.
// EXPLICIT-LABEL: func @table
// EXPLICIT-SAME: tensor<1x3x96x96xf32>
// EXPLICIT: effnet.stem {{.*}}out_channels = 64 : i64
// EXPLICIT: effnet.stage mbconv {{.*}}out_channels = 32 : i64, repeats = 2 : i64
// EXPLICIT: effnet.stage mbconv {{.*}}out_channels = 48 : i64, repeats = 3 : i64
// EXPLICIT: effnet.stage mbconv {{.*}}out_channels = 80 : i64, repeats = 3 : i64
// EXPLICIT: effnet.head {{.*}}channels = 320 : i64

// Without options the table is left as it is.
// NONE-LABEL: func @table
// NONE-SAME: tensor<1x3x64x64xf32>
// NONE-SAME: effnet.variant = "b0"
// NONE: effnet.stage mbconv {{.*}}out_channels = 16 : i64, repeats = 1 : i64
func.func @table(%x: tensor<1x3x64x64xf32>) -> tensor<1x1000xf32> attributes {effnet.table = "b0", effnet.variant = "b0"} {
  %0 = effnet.stem %x {name = "stem", out_channels = 32 : i64, kernel = 3 : i64, stride = 2 : i64} : tensor<1x3x64x64xf32> -> tensor<1x32x32x32xf32>
  %1 = effnet.stage mbconv %0 {repeats = 1 : i64, kernel = 3 : i64, stride = 1 : i64, expand_ratio = 1.0 : f64, out_channels = 16 : i64, se_ratio = 0.25 : f64, stochastic_depth = 0.2 : f64} : tensor<1x32x32x32xf32> -> tensor<1x16x32x32xf32>
  %2 = effnet.stage mbconv %1 {repeats = 2 : i64, kernel = 3 : i64, stride = 2 : i64, expand_ratio = 6.0 : f64, out_channels = 24 : i64, se_ratio = 0.25 : f64, stochastic_depth = 0.2 : f64} : tensor<1x16x32x32xf32> -> tensor<1x24x16x16xf32>
  %3 = effnet.stage mbconv %2 {repeats = 2 : i64, kernel = 5 : i64, stride = 2 : i64, expand_ratio = 6.0 : f64, out_channels = 40 : i64, se_ratio = 0.25 : f64, stochastic_depth = 0.2 : f64} : tensor<1x24x16x16xf32> -> tensor<1x40x8x8xf32>
  %4 = effnet.head %3 {name = "head", channels = 160 : i64, num_classes = 1000 : i64, dropout = 0.2 : f64} : tensor<1x40x8x8xf32> -> tensor<1x1000xf32>
  return %4 : tensor<1x1000xf32>
}

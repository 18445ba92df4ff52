// RUN: effnet-opt %s -split-input-file -verify-diagnostics --effnet-memory-limit="max-memory=1G"
// RUN: not effnet-opt %s -split-input-file --effnet-memory-limit="max-memory=4G" 2>/dev/null | FileCheck %s
// RUN: not effnet-opt %s -split-input-file --effnet-memory-limit="max-memory=8X" 2>&1 | FileCheck %s --check-prefix=BAD

// effnet-memory-limit estimates from the IR alone and fails past max-memory;
// with room to spare (4G; the weight case still fails and is not checked
// here) it leaves the IR as it is.
// CHECK: effnet.stage
// CHECK: effnet.conv2d
// BAD: error: effnet-memory-limit: max-memory expects a size such as 8G, 512M or 1000000 (bytes), got '8X'

// A stage of 8 channels at 2048 x 2048 expanded 6 times: few parameters
// (compiling fits in 1 GiB), but input, output and the expanded tensor
// before and after the depthwise convolution hold about 1.75 GiB at once.
// expected-error@+1 {{effnet-memory-limit: running this model would hold about 1.8 GiB of activations at once (at effnet.stage), more than the limit of 1.0 GiB}}
module {
  func.func @stage(%x: tensor<1x8x2048x2048xf32>) -> tensor<1x8x2048x2048xf32> {
    %0 = effnet.stage mbconv %x {repeats = 1 : i64, kernel = 3 : i64, stride = 1 : i64, expand_ratio = 6.0 : f64, out_channels = 8 : i64} : tensor<1x8x2048x2048xf32> -> tensor<1x8x2048x2048xf32>
    return %0 : tensor<1x8x2048x2048xf32>
  }
}

// -----

// A weight no op reads is still bound: it counts (40,000 x 10,000 floats,
// 1.5 GiB, 5 copies).
// expected-error@+1 {{effnet-memory-limit: compiling this model would take about 7.7 GiB (400000000 parameters, 1.5 GiB of weights), more than the limit of 1.0 GiB}}
module {
  func.func @weight() -> tensor<40000x10000xf32> {
    %0 = effnet.weight "big" : tensor<40000x10000xf32>
    return %0 : tensor<40000x10000xf32>
  }
}

// -----

// A small model passes.
module {
  func.func @small(%x: tensor<1x8x16x16xf32>) -> tensor<1x8x16x16xf32> {
    %0 = effnet.weight "small" : tensor<8x8x1x1xf32>
    %1 = effnet.conv2d %x, %0 : (tensor<1x8x16x16xf32>, tensor<8x8x1x1xf32>) -> tensor<1x8x16x16xf32>
    return %1 : tensor<1x8x16x16xf32>
  }
}

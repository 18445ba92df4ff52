// RUN: effnet-opt %s -split-input-file --effnet-describe-groups -o /dev/null | FileCheck %s

// The one analysis of a group (analyzeGroup), as the schedule verifier,
// effnet-tile, code generation's plan and the schedule fuzzer read it.

// A stem: a 3x3 convolution of one group, stride 2, padded on every side.
// CHECK: group stem: anchor=conv2d out=32x112x112 in=3x224x224 window=3x3 groups=1 padded weights=864 macs=10838016{{$}}
func.func @stem(%x: tensor<1x3x224x224xf32>) -> tensor<1x32x112x112xf32> {
  %0 = effnet.group "stem"(%x) : (tensor<1x3x224x224xf32>) -> tensor<1x32x112x112xf32> {
  ^bb0(%in: tensor<1x3x224x224xf32>):
    %w = effnet.weight "stem.weight" : tensor<32x3x3x3xf32>
    %c = effnet.conv2d %in, %w {strides = array<i64: 2, 2>, padding = array<i64: 1, 1, 1, 1>} : (tensor<1x3x224x224xf32>, tensor<32x3x3x3xf32>) -> tensor<1x32x112x112xf32>
    %a = effnet.activation silu %c : tensor<1x32x112x112xf32>
    effnet.yield %a : tensor<1x32x112x112xf32>
  }
  return %0 : tensor<1x32x112x112xf32>
}

// -----

// MBConv's expansion fused in front of its depthwise convolution (through a
// batch norm and an activation): the depthwise convolution is the anchor,
// its input the expanded channels.
// CHECK: group dw: anchor=conv2d out=96x28x28 in=96x56x56 window=3x3 groups=96 expansion=16->96 depthwise padded weights=864 macs=677376{{$}}
func.func @expansion(%x: tensor<1x16x56x56xf32>) -> tensor<1x96x28x28xf32> {
  %0 = effnet.group "dw"(%x) : (tensor<1x16x56x56xf32>) -> tensor<1x96x28x28xf32> {
  ^bb0(%in: tensor<1x16x56x56xf32>):
    %we = effnet.weight "expand.weight" : tensor<96x16x1x1xf32>
    %e = effnet.conv2d %in, %we : (tensor<1x16x56x56xf32>, tensor<96x16x1x1xf32>) -> tensor<1x96x56x56xf32>
    %ea = effnet.activation silu %e : tensor<1x96x56x56xf32>
    %wd = effnet.weight "dw.weight" : tensor<96x1x3x3xf32>
    %d = effnet.conv2d %ea, %wd {groups = 96 : i64, strides = array<i64: 2, 2>, padding = array<i64: 1, 1, 1, 1>} : (tensor<1x96x56x56xf32>, tensor<96x1x3x3xf32>) -> tensor<1x96x28x28xf32>
    %da = effnet.activation silu %d : tensor<1x96x28x28xf32>
    effnet.yield %da : tensor<1x96x28x28xf32>
  }
  return %0 : tensor<1x96x28x28xf32>
}

// -----

// Two convolutions where the first is not a pointwise expansion (3x3): no
// expansion; the first convolution is the anchor, the second follows it.
// CHECK: group two: anchor=conv2d out=8x8x8 in=8x8x8 window=3x3 groups=1 padded weights=576 macs=36864{{$}}
func.func @two_convolutions(%x: tensor<1x8x8x8xf32>) -> tensor<1x8x8x8xf32> {
  %0 = effnet.group "two"(%x) : (tensor<1x8x8x8xf32>) -> tensor<1x8x8x8xf32> {
  ^bb0(%in: tensor<1x8x8x8xf32>):
    %w1 = effnet.weight "a.weight" : tensor<8x8x3x3xf32>
    %a = effnet.conv2d %in, %w1 {padding = array<i64: 1, 1, 1, 1>} : (tensor<1x8x8x8xf32>, tensor<8x8x3x3xf32>) -> tensor<1x8x8x8xf32>
    %w2 = effnet.weight "b.weight" : tensor<8x1x3x3xf32>
    %b = effnet.conv2d %a, %w2 {groups = 8 : i64, padding = array<i64: 1, 1, 1, 1>} : (tensor<1x8x8x8xf32>, tensor<8x1x3x3xf32>) -> tensor<1x8x8x8xf32>
    effnet.yield %b : tensor<1x8x8x8xf32>
  }
  return %0 : tensor<1x8x8x8xf32>
}

// -----

// Squeeze-excite's scale in front of the projection that alone reads it.
// CHECK: group project: anchor=conv2d out=24x56x56 in=96x56x56 window=1x1 groups=1 input-scale scales-channels weights=2304 macs=7225344{{$}}
func.func @input_scale(%x: tensor<1x96x56x56xf32>, %s: tensor<1x96x1x1xf32>) -> tensor<1x24x56x56xf32> {
  %0 = effnet.group "project"(%x, %s) : (tensor<1x96x56x56xf32>, tensor<1x96x1x1xf32>) -> tensor<1x24x56x56xf32> {
  ^bb0(%in: tensor<1x96x56x56xf32>, %scale: tensor<1x96x1x1xf32>):
    %w = effnet.weight "project.weight" : tensor<24x96x1x1xf32>
    %m = effnet.channel_mul %in, %scale : tensor<1x96x56x56xf32>, tensor<1x96x1x1xf32>
    %c = effnet.conv2d %m, %w : (tensor<1x96x56x56xf32>, tensor<24x96x1x1xf32>) -> tensor<1x24x56x56xf32>
    effnet.yield %c : tensor<1x24x56x56xf32>
  }
  return %0 : tensor<1x24x56x56xf32>
}

// -----

// A scale in front of a depthwise convolution is not an input scale (code
// generation folds scales into the weights of one group only): no anchor.
// CHECK: group scaled_dw: anchor=none out=8x8x8 scales-channels{{$}}
func.func @scaled_depthwise(%x: tensor<1x8x8x8xf32>, %s: tensor<1x8x1x1xf32>) -> tensor<1x8x8x8xf32> {
  %0 = effnet.group "scaled_dw"(%x, %s) : (tensor<1x8x8x8xf32>, tensor<1x8x1x1xf32>) -> tensor<1x8x8x8xf32> {
  ^bb0(%in: tensor<1x8x8x8xf32>, %scale: tensor<1x8x1x1xf32>):
    %w = effnet.weight "dw.weight" : tensor<8x1x3x3xf32>
    %m = effnet.channel_mul %in, %scale : tensor<1x8x8x8xf32>, tensor<1x8x1x1xf32>
    %c = effnet.conv2d %m, %w {groups = 8 : i64, padding = array<i64: 1, 1, 1, 1>} : (tensor<1x8x8x8xf32>, tensor<8x1x3x3xf32>) -> tensor<1x8x8x8xf32>
    effnet.yield %c : tensor<1x8x8x8xf32>
  }
  return %0 : tensor<1x8x8x8xf32>
}

// -----

// Squeeze-excite's excitation kept apart from the projection: a 1x1
// convolution of a 1x1 image whose per-channel result multiplies the large
// input (a broadcast). The convolution reads nothing outside its input,
// though the group's output is larger than the convolution's.
// CHECK: group excite: anchor=conv2d out=96x56x56 in=4x1x1 window=1x1 groups=1 broadcast scales-channels weights=384 macs=384{{$}}
func.func @broadcast(%r: tensor<1x4x1x1xf32>, %x: tensor<1x96x56x56xf32>) -> tensor<1x96x56x56xf32> {
  %0 = effnet.group "excite"(%r, %x) : (tensor<1x4x1x1xf32>, tensor<1x96x56x56xf32>) -> tensor<1x96x56x56xf32> {
  ^bb0(%in: tensor<1x4x1x1xf32>, %big: tensor<1x96x56x56xf32>):
    %w = effnet.weight "se.expand.weight" : tensor<96x4x1x1xf32>
    %c = effnet.conv2d %in, %w : (tensor<1x4x1x1xf32>, tensor<96x4x1x1xf32>) -> tensor<1x96x1x1xf32>
    %g = effnet.activation sigmoid %c : tensor<1x96x1x1xf32>
    %m = effnet.channel_mul %big, %g : tensor<1x96x56x56xf32>, tensor<1x96x1x1xf32>
    effnet.yield %m : tensor<1x96x56x56xf32>
  }
  return %0 : tensor<1x96x56x56xf32>
}

// -----

// A scale by another input after the anchor is not a broadcast.
// CHECK: group scaled_after: anchor=conv2d out=8x4x4 in=8x4x4 window=1x1 groups=1 scales-channels weights=64 macs=1024{{$}}
func.func @scale_after(%x: tensor<1x8x4x4xf32>, %s: tensor<1x8x1x1xf32>) -> tensor<1x8x4x4xf32> {
  %0 = effnet.group "scaled_after"(%x, %s) : (tensor<1x8x4x4xf32>, tensor<1x8x1x1xf32>) -> tensor<1x8x4x4xf32> {
  ^bb0(%in: tensor<1x8x4x4xf32>, %scale: tensor<1x8x1x1xf32>):
    %w = effnet.weight "c.weight" : tensor<8x8x1x1xf32>
    %c = effnet.conv2d %in, %w : (tensor<1x8x4x4xf32>, tensor<8x8x1x1xf32>) -> tensor<1x8x4x4xf32>
    %m = effnet.channel_mul %c, %scale : tensor<1x8x4x4xf32>, tensor<1x8x1x1xf32>
    effnet.yield %m : tensor<1x8x4x4xf32>
  }
  return %0 : tensor<1x8x4x4xf32>
}

// -----

// Pooling, a dense layer and an elementwise group.
// CHECK: group pool: anchor=global_avg_pool out=96x1x1 in=96x56x56{{$}}
// CHECK: group fc: anchor=dense out=1000x1x1 in=1280x1x1 window=1x1 groups=1 weights=1280000 macs=1280000{{$}}
// CHECK: group residual: anchor=none out=8x4x4{{$}}
func.func @others(%x: tensor<1x96x56x56xf32>, %f: tensor<1x1280xf32>, %a: tensor<1x8x4x4xf32>, %b: tensor<1x8x4x4xf32>) -> (tensor<1x96x1x1xf32>, tensor<1x1000xf32>, tensor<1x8x4x4xf32>) {
  %0 = effnet.group "pool"(%x) : (tensor<1x96x56x56xf32>) -> tensor<1x96x1x1xf32> {
  ^bb0(%in: tensor<1x96x56x56xf32>):
    %p = effnet.global_avg_pool %in : tensor<1x96x56x56xf32> -> tensor<1x96x1x1xf32>
    effnet.yield %p : tensor<1x96x1x1xf32>
  }
  %1 = effnet.group "fc"(%f) : (tensor<1x1280xf32>) -> tensor<1x1000xf32> {
  ^bb0(%in: tensor<1x1280xf32>):
    %w = effnet.weight "fc.weight" : tensor<1000x1280xf32>
    %d = effnet.dense %in, %w : (tensor<1x1280xf32>, tensor<1000x1280xf32>) -> tensor<1x1000xf32>
    effnet.yield %d : tensor<1x1000xf32>
  }
  %2 = effnet.group "residual"(%a, %b) : (tensor<1x8x4x4xf32>, tensor<1x8x4x4xf32>) -> tensor<1x8x4x4xf32> {
  ^bb0(%l: tensor<1x8x4x4xf32>, %r: tensor<1x8x4x4xf32>):
    %s = effnet.add %l, %r : tensor<1x8x4x4xf32>
    effnet.yield %s : tensor<1x8x4x4xf32>
  }
  return %0, %1, %2 : tensor<1x96x1x1xf32>, tensor<1x1000xf32>, tensor<1x8x4x4xf32>
}

// -----

// Winograd's F(2x2, 3x3) fits a 3x3, stride 1, undilated convolution of one
// group first in its group; not a strided one, nor one behind a scale.
// CHECK: group fits: anchor=conv2d out=48x16x16 in=24x16x16 window=3x3 groups=1 padded winograd weights=10368 macs=2654208{{$}}
// CHECK: group strided: anchor=conv2d out=48x8x8 in=24x16x16 window=3x3 groups=1 padded weights=10368 macs=663552{{$}}
func.func @winograd(%x: tensor<1x24x16x16xf32>) -> (tensor<1x48x16x16xf32>, tensor<1x48x8x8xf32>) {
  %0 = effnet.group "fits"(%x) : (tensor<1x24x16x16xf32>) -> tensor<1x48x16x16xf32> {
  ^bb0(%in: tensor<1x24x16x16xf32>):
    %w = effnet.weight "fits.weight" : tensor<48x24x3x3xf32>
    %c = effnet.conv2d %in, %w {padding = array<i64: 1, 1, 1, 1>} : (tensor<1x24x16x16xf32>, tensor<48x24x3x3xf32>) -> tensor<1x48x16x16xf32>
    effnet.yield %c : tensor<1x48x16x16xf32>
  }
  %1 = effnet.group "strided"(%x) : (tensor<1x24x16x16xf32>) -> tensor<1x48x8x8xf32> {
  ^bb0(%in: tensor<1x24x16x16xf32>):
    %w = effnet.weight "strided.weight" : tensor<48x24x3x3xf32>
    %c = effnet.conv2d %in, %w {strides = array<i64: 2, 2>, padding = array<i64: 1, 1, 1, 1>} : (tensor<1x24x16x16xf32>, tensor<48x24x3x3xf32>) -> tensor<1x48x8x8xf32>
    effnet.yield %c : tensor<1x48x8x8xf32>
  }
  return %0, %1 : tensor<1x48x16x16xf32>, tensor<1x48x8x8xf32>
}

// -----

// Padded means read outside the input. TensorFlow's "same" padding of a 1x1
// convolution is none; of a stride 2, 3x3 window over 16 pixels it is 0
// before and 1 after, read by the last window; unpadded windows that stop
// short of the input's end read nothing outside.
// CHECK: group same_1x1: anchor=conv2d out=8x16x16 in=8x16x16 window=1x1 groups=1 weights=64 macs=16384{{$}}
// CHECK: group same_after: anchor=conv2d out=8x8x8 in=8x16x16 window=3x3 groups=8 depthwise padded weights=72 macs=4608{{$}}
// CHECK: group valid: anchor=conv2d out=8x7x7 in=8x16x16 window=3x3 groups=8 depthwise weights=72 macs=3528{{$}}
func.func @padding(%x: tensor<1x8x16x16xf32>) -> (tensor<1x8x16x16xf32>, tensor<1x8x8x8xf32>, tensor<1x8x7x7xf32>) {
  %0 = effnet.group "same_1x1"(%x) : (tensor<1x8x16x16xf32>) -> tensor<1x8x16x16xf32> {
  ^bb0(%in: tensor<1x8x16x16xf32>):
    %w = effnet.weight "a.weight" : tensor<8x8x1x1xf32>
    %c = effnet.conv2d %in, %w {padding_mode = #effnet.padding_mode<same>} : (tensor<1x8x16x16xf32>, tensor<8x8x1x1xf32>) -> tensor<1x8x16x16xf32>
    effnet.yield %c : tensor<1x8x16x16xf32>
  }
  %1 = effnet.group "same_after"(%x) : (tensor<1x8x16x16xf32>) -> tensor<1x8x8x8xf32> {
  ^bb0(%in: tensor<1x8x16x16xf32>):
    %w = effnet.weight "b.weight" : tensor<8x1x3x3xf32>
    %c = effnet.conv2d %in, %w {groups = 8 : i64, strides = array<i64: 2, 2>, padding_mode = #effnet.padding_mode<same>} : (tensor<1x8x16x16xf32>, tensor<8x1x3x3xf32>) -> tensor<1x8x8x8xf32>
    effnet.yield %c : tensor<1x8x8x8xf32>
  }
  %2 = effnet.group "valid"(%x) : (tensor<1x8x16x16xf32>) -> tensor<1x8x7x7xf32> {
  ^bb0(%in: tensor<1x8x16x16xf32>):
    %w = effnet.weight "c.weight" : tensor<8x1x3x3xf32>
    %c = effnet.conv2d %in, %w {groups = 8 : i64, strides = array<i64: 2, 2>} : (tensor<1x8x16x16xf32>, tensor<8x1x3x3xf32>) -> tensor<1x8x7x7xf32>
    effnet.yield %c : tensor<1x8x7x7xf32>
  }
  return %0, %1, %2 : tensor<1x8x16x16xf32>, tensor<1x8x8x8xf32>, tensor<1x8x7x7xf32>
}
